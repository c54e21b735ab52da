// Naive reference implementations of every op, written as plain index loops in float64 and
// independent of the kernels' code paths (no Eigen, no shared broadcasting helpers). Each takes
// the op's inputs and attributes and returns its outputs (float64, or the op's own dtype for
// integer and boolean outputs); update ops return the new values of the inputs they mutate.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "graph/attr.h"
#include "graph/tensor.h"

namespace kiln::testing {

using Reference = std::function<std::vector<Tensor>(std::span<const Tensor>, const AttrMap&)>;

Reference RefUnary(std::function<double(double)> f);
Reference RefBinary(std::function<double(double, double)> f, DType out = kFloat64);
Reference RefMatMul();
// SimpleRNN, LSTM, GRU (op names) step by step; their gradient ops as finite differences of that.
Reference RefRecurrent(const std::string& op);
Reference RefRecurrentGrad(const std::string& grad_op);
// For a recurrent op's (or its gradient op's) row: a mask of zeros and ones that skips steps,
// and for a gradient op the saved outputs the forward op makes from the row's inputs.
std::function<void(std::vector<Tensor>&)> PrepareRecurrent(const std::string& op,
                                                           const AttrMap& attrs);
Reference RefGather();      // params, indices
Reference RefGatherGrad();  // dy, indices, like
Reference RefBiasAdd();
Reference RefReduce(char kind);  // 's'um, 'm'ean, 'x' max
Reference RefArgMax();
Reference RefSoftmax(bool log);
Reference RefSoftmaxCrossEntropy();
Reference RefReshape();  // Reshape and ReshapeLike: same elements, output shape given
Reference RefTranspose();
Reference RefConcat();
Reference RefSlice();
Reference RefSliceGrad();
Reference RefCast();
Reference RefOneHot();
Reference RefClip();
Reference RefBroadcastToShapeOf();
Reference RefSumToShapeOf();
Reference RefOnesLike();
Reference RefIdentity();  // sources: the value itself
Reference RefApplyGradientDescent();
Reference RefApplyMomentum();
Reference RefDropout();
Reference RefRandomNormalLike();
Reference RefFusedMatMul();
Reference RefFusedActivationBiasGrad();
Reference RefConv2D();  // also the reference for both backprop ops, via RefConvGrad
Reference RefConv2DBackpropInput();
Reference RefConv2DBackpropFilter();
Reference RefConv2DTranspose();
Reference RefDepthwiseConv2D();
Reference RefDepthwiseConv2DBackpropInput();
Reference RefDepthwiseConv2DBackpropFilter();
Reference RefPad();
Reference RefMaxPool2D();
Reference RefAvgPool2D();
Reference RefAvgPool2DGrad();
Reference RefMaxPool2DGrad();
Reference RefAssignMovingAverage();
Reference RefApplyRMSProp();
Reference RefApplyAdam();
Reference RefAssign();
Reference RefAssignAdd();

}  // namespace kiln::testing

// Shape inference for every op, one line a case, error cases included.
#include "tests/testing/testing.h"

namespace kiln::testing {
namespace {

using V = std::vector<int64_t>;

TEST(ShapeInference, Elementwise) {
  EXPECT_SHAPE("Add", "[2,3];[2,3]", "[2,3]");
  EXPECT_SHAPE("Add", "[4,1,3];[2,1]", "[4,2,3]");
  EXPECT_SHAPE("Add", "[?,10];[10]", "[?,10]");
  EXPECT_SHAPE("Sub", "[];[5]", "[5]");
  EXPECT_SHAPE("Mul", "[?,1];[1,7]", "[?,7]");
  EXPECT_SHAPE("Div", "[3,1];[1,4]", "[3,4]");
  EXPECT_SHAPE("Maximum", "[2,3];[3]", "[2,3]");
  EXPECT_SHAPE("Minimum", "[2,3];[]", "[2,3]");
  EXPECT_SHAPE("Equal", "[2,3];[3]", "[2,3]");
  EXPECT_SHAPE("GreaterEqual", "[2,3];[2,1]", "[2,3]");
  EXPECT_SHAPE("Pow", "[2,3];[]", "[2,3]");
  EXPECT_SHAPE("Pow", "[?,1];[4]", "[?,4]");
  EXPECT_SHAPE_ERROR("Pow", "[2,3];[2]", AttrMap{}, "cannot be broadcast");
  EXPECT_SHAPE_ERROR("Add", "[2,3];[4]", AttrMap{}, "cannot be broadcast");
  EXPECT_SHAPE_ERROR("Mul", "[2,3];[3,2]", AttrMap{}, "cannot be broadcast");
  EXPECT_SHAPE_ERROR("Add", "[2]", AttrMap{}, "expected 2 inputs");
  for (const char* op :
       {"Neg", "Square", "Sqrt", "Exp", "Erf", "Log", "Relu", "Sigmoid", "Tanh", "OnesLike"})
    EXPECT_SHAPE(op, "[?,5]", "[?,5]");
  EXPECT_SHAPE("ReluGrad", "[4,5];[4,5]", "[4,5]");
  EXPECT_SHAPE("SigmoidGrad", "[4,5];[4,5]", "[4,5]");
  EXPECT_SHAPE("TanhGrad", "[4,5];[4,5]", "[4,5]");
  EXPECT_SHAPE_ATTRS("ClipByValue", "[3]", (AttrMap{{"min", 0.0}, {"max", 1.0}}), "[3]");
  EXPECT_SHAPE_ERROR("ClipByValue", "[3]", (AttrMap{{"min", 2.0}, {"max", 1.0}}), "min is greater");
  EXPECT_SHAPE_ERROR("ClipByValue", "[3]", (AttrMap{{"min", 0.0}}),
                     "missing required attribute 'max'");
  EXPECT_SHAPE_ATTRS("Cast", "[2,2]", (AttrMap{{"dtype", kInt32}}), "[2,2]");
  EXPECT_EQ(InferShapes("Equal", "[2];[2]", {}, {kInt32, kInt32}), "[2]");
}

TEST(ShapeInference, DtypeErrorsNameTheInput) {
  try {
    InferShapes("Exp", "[2]", {}, {kInt32});
    FAIL() << "expected TypeError";
  } catch (const TypeError& e) {
    EXPECT_NE(std::string(e.what()).find("input 'x' has dtype int32"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(InferShapes("Add", "[2];[2]", {}, {kFloat32, kFloat64}), TypeError);
  EXPECT_THROW(InferShapes("MatMul", "[2,2];[2,2]", {{"transpose_a", int64_t{1}}}), TypeError);
  EXPECT_THROW(InferShapes("MatMul", "[2,2];[2,2]", {{"bogus", true}}), ValueError);
}

TEST(ShapeInference, MatMulAndBias) {
  EXPECT_SHAPE("MatMul", "[2,3];[3,4]", "[2,4]");
  EXPECT_SHAPE("MatMul", "[?,784];[784,128]", "[?,128]");
  EXPECT_SHAPE_ATTRS("MatMul", "[3,2];[3,4]", (AttrMap{{"transpose_a", true}}), "[2,4]");
  EXPECT_SHAPE_ATTRS("MatMul", "[2,3];[4,3]", (AttrMap{{"transpose_b", true}}), "[2,4]");
  EXPECT_SHAPE_ATTRS("MatMul", "[?,3];[?,4]", (AttrMap{{"transpose_a", true}}), "[3,4]");
  EXPECT_SHAPE_ERROR("MatMul", "[2,3];[4,5]", AttrMap{}, "inner dimensions differ: 3 vs 4");
  EXPECT_SHAPE_ERROR("MatMul", "[2,3,4];[4,5]", AttrMap{}, "rank 2");
  EXPECT_SHAPE("BiasAdd", "[?,10];[10]", "[?,10]");
  EXPECT_SHAPE_ERROR("BiasAdd", "[?,10];[9]", AttrMap{}, "bias has 9 elements");
  EXPECT_SHAPE_ERROR("BiasAdd", "[?,10];[10,1]", AttrMap{}, "bias must be a vector");
}

TEST(ShapeInference, Reductions) {
  EXPECT_SHAPE("ReduceSum", "[2,3]", "[]");
  EXPECT_SHAPE_ATTRS("ReduceSum", "[2,3]", (AttrMap{{"axes", V{1}}}), "[2]");
  EXPECT_SHAPE_ATTRS("ReduceMean", "[?,3]", (AttrMap{{"axes", V{0}}}), "[3]");
  EXPECT_SHAPE_ATTRS("ReduceMax", "[2,3,4]", (AttrMap{{"axes", V{-1, 0}}, {"keep_dims", true}}),
                     "[1,3,1]");
  EXPECT_SHAPE_ERROR("ReduceSum", "[2,3]", (AttrMap{{"axes", V{2}}}), "axis 2 is out of range");
  EXPECT_SHAPE("ArgMax", "[?,10]", "[?]");
  EXPECT_SHAPE_ATTRS("ArgMax", "[4,10]", (AttrMap{{"axis", int64_t{0}}}), "[10]");
  EXPECT_SHAPE_ERROR("ArgMax", "[4,10]", (AttrMap{{"axis", int64_t{-3}}}), "out of range");
  EXPECT_SHAPE("SumToShapeOf", "[?,10];[10]", "[10]");
  EXPECT_SHAPE_ATTRS("SumToShapeOf", "[?,10];[?]", (AttrMap{{"axes", V{1}}}), "[?]");
  EXPECT_SHAPE_ERROR("SumToShapeOf", "[4,10];[9]", AttrMap{}, "cannot broadcast");
  EXPECT_SHAPE("BroadcastToShapeOf", "[10];[?,10]", "[?,10]");
  EXPECT_SHAPE_ERROR("BroadcastToShapeOf", "[3];[4,10]", AttrMap{}, "cannot broadcast");
}

TEST(ShapeInference, Layout) {
  EXPECT_SHAPE_ATTRS("Reshape", "[?,28,28]", (AttrMap{{"shape", V{-1, 784}}}), "[?,784]");
  // Unfolding inner dimensions out of the batch (Dense on rank 3 input).
  EXPECT_SHAPE_ATTRS("Reshape", "[?,3]", (AttrMap{{"shape", V{-1, 5, 3}}}), "[?,5,3]");
  EXPECT_SHAPE_ERROR("Reshape", "[?,4]", (AttrMap{{"shape", V{-1, 3}}}), "cannot reshape");
  EXPECT_SHAPE_ATTRS("Reshape", "[2,6]", (AttrMap{{"shape", V{3, -1}}}), "[3,4]");
  EXPECT_SHAPE_ERROR("Reshape", "[2,6]", (AttrMap{{"shape", V{5, -1}}}), "cannot reshape");
  EXPECT_SHAPE_ERROR("Reshape", "[2,6]", (AttrMap{{"shape", V{-1, -1}}}), "more than one -1");
  EXPECT_SHAPE_ERROR("Reshape", "[2,6]", (AttrMap{{"shape", V{4, 4}}}), "cannot reshape");
  EXPECT_SHAPE("ReshapeLike", "[2,6];[3,4]", "[3,4]");
  EXPECT_SHAPE_ERROR("ReshapeLike", "[2,6];[3,5]", AttrMap{}, "element counts differ");
  EXPECT_SHAPE("Concat", "[?,3];[?,4];[?,1]", "[?,8]");
  EXPECT_SHAPE_ATTRS("Concat", "[2,3];[?,3]", (AttrMap{{"axis", int64_t{0}}}), "[?,3]");
  EXPECT_SHAPE_ATTRS("Concat", "[?,3,2];[2,1,2]", (AttrMap{{"axis", int64_t{1}}}), "[2,4,2]");
  EXPECT_SHAPE_ERROR("Concat", "[2,3];[3,3]", {}, "differ in dimension 0");
  EXPECT_SHAPE_ERROR("Concat", "[2,3];[2,3,1]", {}, "input 1 has rank 3");
  EXPECT_SHAPE_ERROR("Concat", "", {}, "expected at least 1 inputs, got 0");
  EXPECT_SHAPE_ATTRS("Slice", "[?,5]",
                     (AttrMap{{"axis", int64_t{1}}, {"begin", int64_t{1}}, {"size", int64_t{3}}}),
                     "[?,3]");
  EXPECT_SHAPE_ERROR("Slice", "[2,5]",
                     (AttrMap{{"axis", int64_t{1}}, {"begin", int64_t{3}}, {"size", int64_t{3}}}),
                     "[3, 6) is out of range");
  EXPECT_SHAPE_ATTRS("SliceGrad", "[?,2];[?,5]",
                     (AttrMap{{"axis", int64_t{-1}}, {"begin", int64_t{3}}}), "[?,5]");
  EXPECT_SHAPE_ERROR("SliceGrad", "[2,3];[2,5]",
                     (AttrMap{{"axis", int64_t{1}}, {"begin", int64_t{3}}}), "does not fit");
  EXPECT_SHAPE_ATTRS("Transpose", "[2,3,4]", (AttrMap{{"perm", V{2, 0, 1}}}), "[4,2,3]");
  EXPECT_SHAPE_ERROR("Transpose", "[2,3]", (AttrMap{{"perm", V{0, 0}}}), "not a permutation");
  EXPECT_SHAPE_ERROR("Transpose", "[2,3]", (AttrMap{{"perm", V{0}}}), "perm has 1 entries");
  EXPECT_SHAPE_ATTRS("Softmax", "[?,10]", AttrMap{}, "[?,10]");
  EXPECT_SHAPE_ATTRS("LogSoftmax", "[?,10]", AttrMap{}, "[?,10]");
  EXPECT_SHAPE_ERROR("Softmax", "[10]", (AttrMap{{"axis", int64_t{1}}}), "out of range");
  EXPECT_EQ(InferShapes("OneHot", "[?]", {{"depth", int64_t{10}}}, {kInt64}), "[?,10]");
  EXPECT_THROW(InferShapes("OneHot", "[?]", {{"depth", int64_t{-1}}}, {kInt64}), ShapeError);
}

TEST(ShapeInference, LossesAndUpdates) {
  EXPECT_SHAPE("SoftmaxCrossEntropy", "[?,10];[?,10]", "[?];[?,10]");
  EXPECT_SHAPE_ERROR("SoftmaxCrossEntropy", "[?,10];[?,9]", AttrMap{}, "differ in shape");
  EXPECT_SHAPE_ERROR("SoftmaxCrossEntropy", "[10];[10]", AttrMap{}, "[batch, classes]");
  EXPECT_SHAPE("SigmoidCrossEntropy", "[?,1];[?,1]", "[?,1]");
  EXPECT_SHAPE_ERROR("SigmoidCrossEntropy", "[4,1];[4,2]", AttrMap{}, "differ in shape");
  EXPECT_SHAPE("ApplyGradientDescent", "[3,2];[];[3,2]", "");
  EXPECT_SHAPE_ERROR("ApplyGradientDescent", "[3,2];[1];[3,2]", AttrMap{}, "lr must be a scalar");
  EXPECT_SHAPE_ERROR("ApplyGradientDescent", "[3,2];[];[2,3]", AttrMap{}, "grad does not match");
  EXPECT_SHAPE("ApplyMomentum", "[3];[3];[];[3];[]", "");
  EXPECT_SHAPE_ERROR("ApplyMomentum", "[3];[4];[];[3];[]", AttrMap{}, "must match var");
  // Adam reads the optimizer's int64 step count; a float one (ApplyAdam version 1) is refused.
  const std::vector<DType> adam = {kFloat32, kFloat32, kFloat32, kInt64, kFloat32, kFloat32};
  EXPECT_EQ(InferShapes("ApplyAdam", "[3];[3];[3];[];[];[3]", {}, adam), "");
  EXPECT_NE(::kiln::testing::ErrorOf([] {
              InferShapes("ApplyAdam", "[3];[3];[3];[];[];[3]");
            }).find("iterations"),
            std::string::npos);
  EXPECT_SHAPE_ERROR("ApplyRMSProp", "[3];[3];[];[3]", (AttrMap{{"rules", std::string("keras1")}}),
                     "rules must be \"keras3\" or \"keras2\"");
  EXPECT_SHAPE("AssignAdd", "[];[]", "");
  EXPECT_SHAPE_ERROR("AssignAdd", "[2];[]", AttrMap{}, "delta must match var");
  EXPECT_SHAPE("Assign", "[2,3];[2,3]", "");
  EXPECT_SHAPE_ERROR("Assign", "[2,3];[3]", AttrMap{}, "value must match var");
}

TEST(ShapeInference, Random) {
  const std::vector<DType> state_x = {kInt64, kFloat32};
  using V = std::vector<int64_t>;
  EXPECT_EQ(InferShapes("Dropout", "[];[?,4,5]", {{"rate", 0.5}}, state_x), "[?,4,5];[?,4,5]");
  EXPECT_EQ(
      InferShapes("Dropout", "[];[?,4,5]", {{"rate", 0.5}, {"noise_shape", V{-1, 1, 5}}}, state_x),
      "[?,4,5];[?,1,5]");
  EXPECT_NE(::kiln::testing::ErrorOf([&] {
              InferShapes("Dropout", "[];[?,4,5]", {{"rate", 0.5}, {"noise_shape", V{-1, 2, 5}}},
                          state_x);
            }).find("noise_shape dimension 1 must be 1, -1 or x's 4"),
            std::string::npos);
}

TEST(ShapeInference, Gather) {
  const std::vector<DType> float_int = {kFloat32, kInt32};
  EXPECT_EQ(InferShapes("Gather", "[20,4];[?,6]", {}, float_int), "[?,6,4]");
  EXPECT_EQ(InferShapes("Gather", "[20];[3]", {}, {kFloat32, kInt64}), "[3]");
  EXPECT_EQ(InferShapes("GatherGrad", "[?,6,4];[?,6];[20,4]", {}, {kFloat32, kInt32, kFloat32}),
            "[20,4]");
  EXPECT_NE(::kiln::testing::ErrorOf([&] {
              InferShapes("Gather", "[];[3]", {}, float_int);
            }).find("params must have rank 1 or more"),
            std::string::npos);
  EXPECT_NE(::kiln::testing::ErrorOf([&] {
              InferShapes("GatherGrad", "[2,4];[2,6];[20,4]", {}, {kFloat32, kInt32, kFloat32});
            }).find("is not the Gather of"),
            std::string::npos);
}

TEST(ShapeInference, Sources) {
  EXPECT_SHAPE_ATTRS("Placeholder", "", (AttrMap{{"dtype", kFloat32}, {"shape", V{-1, 2}}}),
                     "[?,2]");
  EXPECT_SHAPE_ATTRS("Variable", "", (AttrMap{{"dtype", kFloat32}, {"shape", V{3, 2}}}), "[3,2]");
  EXPECT_SHAPE_ERROR("Variable", "", (AttrMap{{"dtype", kFloat32}, {"shape", V{-1, 2}}}),
                     "fully defined");
  EXPECT_SHAPE_ATTRS("Const", "", (AttrMap{{"value", Tensor(kFloat32, {2, 2})}}), "[2,2]");
}

}  // namespace
}  // namespace kiln::testing

namespace kiln::testing {
namespace {

TEST(ShapeInference, ConvolutionAndPooling) {
  {
    using V = std::vector<int64_t>;
    EXPECT_SHAPE_ATTRS(
        "Conv2DTranspose", "[?,3,3,4];[3,3,2,4]",
        (AttrMap{{"strides", V{2, 2}}, {"padding", std::string("same")}, {"output_size", V{6, 5}}}),
        "[?,6,5,2]");
    EXPECT_SHAPE_ERROR("Conv2DTranspose", "[?,3,3,4];[3,3,2,4]",
                       (AttrMap{{"strides", V{2, 2}}, {"output_size", V{9, 9}}}),
                       "the window output is");
    EXPECT_SHAPE_ERROR("Conv2DTranspose", "[?,3,3,4];[3,3,4,2]",
                       (AttrMap{{"output_size", V{5, 5}}}), "the filter expects 2");
  }
  using V = std::vector<int64_t>;
  EXPECT_SHAPE("Conv2D", "[?,28,28,1];[3,3,1,32]", "[?,26,26,32]");
  EXPECT_SHAPE_ATTRS("Conv2D", "[?,28,28,1];[3,3,1,32]",
                     (AttrMap{{"padding", std::string("same")}}), "[?,28,28,32]");
  EXPECT_SHAPE_ATTRS("Conv2D", "[2,7,7,3];[3,3,3,4]", (AttrMap{{"strides", V{2, 2}}}), "[2,3,3,4]");
  EXPECT_SHAPE_ERROR("Conv2D", "[?,28,28,2];[3,3,1,32]", AttrMap{},
                     "2 channels, the filter expects 1");
  EXPECT_SHAPE_ERROR("Conv2D", "[?,28,28];[3,3,1,32]", AttrMap{}, "expected x");
  EXPECT_SHAPE_ERROR("Conv2D", "[?,8,8,1];[3,3,1,2]", (AttrMap{{"padding", std::string("full")}}),
                     "padding must be");
  EXPECT_SHAPE_ERROR("Conv2D", "[?,8,8,1];[3,3,1,2]", (AttrMap{{"strides", V{0, 1}}}),
                     "strides must be");
  EXPECT_SHAPE("Conv2DBackpropInput", "[?,26,26,32];[3,3,1,32];[?,28,28,1]", "[?,28,28,1]");
  EXPECT_SHAPE_ERROR("Conv2DBackpropInput", "[?,25,26,32];[3,3,1,32];[?,28,28,1]", AttrMap{},
                     "window output");
  EXPECT_SHAPE("Conv2DBackpropFilter", "[?,28,28,1];[?,26,26,32];[3,3,1,32]", "[3,3,1,32]");
  EXPECT_SHAPE_ATTRS("Conv2D", "[?,9,9,1];[3,3,1,2]", (AttrMap{{"dilations", V{2, 3}}}),
                     "[?,5,3,2]");
  EXPECT_SHAPE_ERROR("Conv2D", "[?,9,9,1];[3,3,1,2]", (AttrMap{{"dilations", V{0, 1}}}),
                     "dilations must be");
  EXPECT_SHAPE("DepthwiseConv2D", "[?,8,8,3];[3,3,3,2]", "[?,6,6,6]");
  EXPECT_SHAPE_ATTRS("DepthwiseConv2D", "[?,7,7,3];[3,3,3,1]",
                     (AttrMap{{"strides", V{2, 2}}, {"padding", std::string("same")}}),
                     "[?,4,4,3]");
  EXPECT_SHAPE_ERROR("DepthwiseConv2D", "[?,8,8,4];[3,3,3,1]", AttrMap{},
                     "4 channels, the filter expects 3");
  EXPECT_SHAPE("DepthwiseConv2DBackpropInput", "[?,6,6,6];[3,3,3,2];[?,8,8,3]", "[?,8,8,3]");
  EXPECT_SHAPE_ERROR("DepthwiseConv2DBackpropInput", "[?,6,6,3];[3,3,3,2];[?,8,8,3]", AttrMap{},
                     "window output");
  EXPECT_SHAPE("DepthwiseConv2DBackpropFilter", "[?,8,8,3];[?,6,6,6];[3,3,3,2]", "[3,3,3,2]");
  EXPECT_SHAPE_ATTRS("Pad", "[?,4,5,3]", (AttrMap{{"paddings", V{0, 0, 1, 1, 2, 0, 0, 0}}}),
                     "[?,6,7,3]");
  EXPECT_SHAPE_ERROR("Pad", "[2,3]", (AttrMap{{"paddings", V{1, 1}}}), "(before, after) for each");
  EXPECT_SHAPE_ERROR("Pad", "[2,3]", (AttrMap{{"paddings", V{1, 1, -1, 0}}}),
                     "must not be negative");
  EXPECT_SHAPE("MaxPool2D", "[?,26,26,32]", "[?,25,25,32]");
  EXPECT_SHAPE_ATTRS(
      "AvgPool2D", "[?,7,7,2]",
      (AttrMap{{"pool_size", V{3, 3}}, {"strides", V{2, 2}}, {"padding", std::string("same")}}),
      "[?,4,4,2]");
  EXPECT_SHAPE("AvgPool2DGrad", "[?,6,6,2];[?,7,7,2]", "[?,7,7,2]");
  EXPECT_SHAPE_ERROR("AvgPool2D", "[?,7,7,2]", (AttrMap{{"pool_size", V{3}}}),
                     "pool_size must have two");  // the op's default strides are 1
  EXPECT_SHAPE_ATTRS("MaxPool2D", "[?,26,26,32]", (AttrMap{{"strides", V{2, 2}}}), "[?,13,13,32]");
  EXPECT_SHAPE_ATTRS(
      "MaxPool2D", "[?,5,5,2]",
      (AttrMap{{"pool_size", V{3, 3}}, {"strides", V{2, 2}}, {"padding", std::string("same")}}),
      "[?,3,3,2]");
  EXPECT_SHAPE_ERROR("MaxPool2D", "[?,26,26]", AttrMap{}, "expected x");
  EXPECT_SHAPE_ATTRS("MaxPool2DGrad", "[?,4,4,3];[?,2,2,3]", (AttrMap{{"strides", V{2, 2}}}),
                     "[?,4,4,3]");
  EXPECT_SHAPE_ERROR("MaxPool2DGrad", "[?,4,4,3];[?,3,2,3]", (AttrMap{{"strides", V{2, 2}}}),
                     "window output");
  EXPECT_SHAPE_ATTRS("AssignMovingAverage", "[3];[3]", (AttrMap{{"momentum", 0.9}}), "");
  EXPECT_SHAPE_ERROR("AssignMovingAverage", "[3];[4]", (AttrMap{{"momentum", 0.9}}),
                     "value must match");
}

// A file's older op version is rewritten by the op's own upgrade: ReluGrad 1 took (dy, y).
TEST(OpUpgrade, ReluGradVersionOneInputsAreSwapped) {
  const OpDef& def = OpRegistry::Global().Get("ReluGrad");
  ASSERT_EQ(def.version, 2);
  ASSERT_TRUE(def.upgrade);
  Node n{.op = "ReluGrad", .name = "g", .inputs = {{1, 0}, {2, 0}}};
  def.upgrade(n, 1);
  EXPECT_EQ(n.inputs[0], (ValueRef{2, 0}));  // y
  EXPECT_EQ(n.inputs[1], (ValueRef{1, 0}));  // dy
  EXPECT_EQ(def.inputs[0].name, "y");
}

}  // namespace
}  // namespace kiln::testing

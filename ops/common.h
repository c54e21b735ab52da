// Helpers shared by the op definitions in this folder: common shape functions, numpy broadcasting
// of static shapes (unknown dimensions included), axis normalisation, and the gradient plumbing
// that reduces a broadcast gradient back to its input's shape.
#pragma once

#include <vector>

#include "graph/graph_builder.h"
#include "graph/op_def.h"

namespace kiln::ops {

// Output 0 has input 0's type.
std::vector<TensorType> SameAsInput0(const InferenceContext& c);
// numpy broadcasting of two static shapes; Fail()s when they cannot broadcast.
Shape BroadcastShapes(const InferenceContext& c, const Shape& a, const Shape& b);
// Two inputs of one dtype, broadcast; output dtype `out` (or the inputs' dtype when nullopt).
std::vector<TensorType> BroadcastBinary(const InferenceContext& c,
                                        std::optional<DType> out = std::nullopt);
// Maps a possibly negative axis into [0, rank); Fail()s when out of range.
int NormalizeAxis(const InferenceContext& c, int64_t axis, int rank);
// The axes attribute, normalised, sorted and deduplicated; empty means all axes.
std::vector<int64_t> ReductionAxes(const InferenceContext& c, int rank);

// Reduces a gradient `dy` to `like`'s shape by summing over broadcast dimensions.
ValueRef SumToShapeOf(GraphBuilder& b, ValueRef dy, ValueRef like);
// Gradient of a broadcasting binary op's input i: dy (or dy transformed) summed to x(i)'s shape,
// skipped when the shapes already agree.
ValueRef ReduceGradToInput(GradContext& c, ValueRef grad, int input);

}  // namespace kiln::ops

#include "ops/common.h"

#include <algorithm>

namespace kiln::ops {

std::vector<TensorType> SameAsInput0(const InferenceContext& c) { return {c.inputs[0]}; }

Shape BroadcastShapes(const InferenceContext& c, const Shape& a, const Shape& b) {
  int rank = std::max(a.rank(), b.rank());
  std::vector<int64_t> out(rank);
  for (int i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.rank() ? 1 : a[i - (rank - a.rank())];
    int64_t db = i < rank - b.rank() ? 1 : b[i - (rank - b.rank())];
    if (da == 1)
      out[i] = db;
    else if (db == 1)
      out[i] = da;
    else if (da == kUnknownDim)
      out[i] = db;
    else if (db == kUnknownDim || da == db)
      out[i] = da;
    else
      c.Fail("shapes " + a.ToString() + " and " + b.ToString() + " cannot be broadcast");
  }
  return Shape(out);
}

std::vector<TensorType> BroadcastBinary(const InferenceContext& c, std::optional<DType> out) {
  return {{out.value_or(c.dtype(0)), BroadcastShapes(c, c.shape(0), c.shape(1))}};
}

int NormalizeAxis(const InferenceContext& c, int64_t axis, int rank) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    c.Fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return static_cast<int>(a);
}

std::vector<int64_t> ReductionAxes(const InferenceContext& c, int rank) {
  std::vector<int64_t> axes = c.attrs.GetOr<std::vector<int64_t>>("axes", {});
  if (axes.empty()) {
    for (int i = 0; i < rank; ++i) axes.push_back(i);
    return axes;
  }
  for (auto& a : axes) a = NormalizeAxis(c, a, rank);
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

ValueRef SumToShapeOf(GraphBuilder& b, ValueRef dy, ValueRef like) {
  const Shape& a = b.type(dy).shape;
  const Shape& t = b.type(like).shape;
  // Unknown dimensions are the batch dimension, the same for every value of a graph at run time.
  if (a == t) return dy;
  return b.Op("SumToShapeOf", {dy, like});
}

ValueRef ReduceGradToInput(GradContext& c, ValueRef grad, int input) {
  return SumToShapeOf(c.b, grad, c.x(input));
}

}  // namespace kiln::ops

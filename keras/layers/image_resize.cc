#include "keras/layers/image_resize.h"

#include <algorithm>
#include <cmath>

#include "graph/error.h"
#include "keras/layers/layer.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

void CheckTargetSize(const std::string& where, int64_t height, int64_t width) {
  CheckPositivePair(where, "height and width", {height, width});
  if (!config::WithinMaxSize({{height, width}}))
    throw ValueError(where + ": height and width must be at most " +
                     std::to_string(config::kMaxSize));
}

Shape TargetShape(const std::string& where, const Shape& in, int64_t height, int64_t width,
                  bool channels_first) {
  if (in.rank() != 4)
    throw ShapeError(where + ": expected input of rank 4, got " + KerasShapeString(in));
  std::vector<int64_t> out = in.dims();
  const int ih = channels_first ? 2 : 1;
  out[ih] = height;
  out[ih + 1] = width;
  return Shape(out);
}

void CheckInterpolation(const std::string& where, const std::string& interpolation) {
  if (interpolation != "bilinear" && interpolation != "nearest")
    throw ValueError(where + ": interpolation must be 'bilinear' or 'nearest', got '" +
                     interpolation + "'");
}

std::vector<double> InterpolationMatrix(int64_t in, int64_t out, const std::string& interpolation) {
  std::vector<double> m(static_cast<size_t>(out * in), 0.0);
  for (int64_t o = 0; o < out; ++o) {
    double* row = m.data() + o * in;
    if (interpolation == "nearest") {
      // Integer arithmetic: floor((2o + 1) * in / (2 * out)) is the exact value of the float
      // expression jax evaluates, so no rounding can move a sample to its neighbour.
      row[std::min((2 * o + 1) * in / (2 * out), in - 1)] = 1;
      continue;
    }
    const double s =
        (static_cast<double>(o) + 0.5) * static_cast<double>(in) / static_cast<double>(out) - 0.5;
    if (s <= 0) {
      row[0] = 1;
    } else if (s >= static_cast<double>(in - 1)) {
      row[in - 1] = 1;
    } else {
      const auto i0 = static_cast<int64_t>(std::floor(s));
      const double f = s - static_cast<double>(i0);
      row[i0] += 1 - f;
      row[i0 + 1] += f;
    }
  }
  return m;
}

namespace {
// Resizes the last axis of x, (N, d1, d2, in) with d1 and d2 known, to `out`.
ValueRef ResizeLastAxis(GraphBuilder& b, ValueRef x, int64_t out,
                        const std::string& interpolation) {
  const TensorType t = b.type(x);
  const int64_t d1 = t.shape[1], d2 = t.shape[2], in = t.shape[3];
  Tensor m = Tensor::FromVector<double>(InterpolationMatrix(in, out, interpolation), {out, in});
  ValueRef matrix = b.Const(t.dtype == kFloat64 ? m : m.astype(t.dtype));
  ValueRef rows = b.Op("Reshape", {x}, {{"shape", std::vector<int64_t>{-1, in}}});
  ValueRef y = b.Op("MatMul", {rows, matrix}, {{"transpose_b", true}});
  return b.Op("Reshape", {y}, {{"shape", std::vector<int64_t>{-1, d1, d2, out}}});
}

ValueRef Transpose(GraphBuilder& b, ValueRef x, std::vector<int64_t> perm) {
  return b.Op("Transpose", {x}, {{"perm", std::move(perm)}});
}
}  // namespace

ValueRef ResizeImages(GraphBuilder& b, ValueRef x, int64_t height, int64_t width,
                      const std::string& interpolation, bool channels_first) {
  // Channels-first order puts width last, where one MatMul on (N*C*H, W) rows resizes it.
  if (!channels_first) x = Transpose(b, x, {0, 3, 1, 2});
  if (b.type(x).shape[3] != width) x = ResizeLastAxis(b, x, width, interpolation);
  if (b.type(x).shape[2] != height) {
    x = Transpose(b, x, {0, 1, 3, 2});
    x = ResizeLastAxis(b, x, height, interpolation);
    x = Transpose(b, x, {0, 1, 3, 2});
  }
  return channels_first ? x : Transpose(b, x, {0, 2, 3, 1});
}

CropBox AspectRatioCrop(int64_t in_h, int64_t in_w, int64_t target_h, int64_t target_w) {
  auto f32 = [](int64_t v) { return static_cast<float>(v); };
  CropBox box;
  box.height = static_cast<int64_t>(f32(in_w * target_h) / f32(target_w));
  box.height = std::max<int64_t>(std::min(in_h, box.height), 1);
  box.width = static_cast<int64_t>(f32(in_h * target_w) / f32(target_h));
  box.width = std::max<int64_t>(std::min(in_w, box.width), 1);
  box.top = static_cast<int64_t>(f32(in_h - box.height) / 2);
  box.left = static_cast<int64_t>(f32(in_w - box.width) / 2);
  return box;
}

ValueRef CropImages(GraphBuilder& b, ValueRef x, const CropBox& box, bool channels_first) {
  const int64_t ih = channels_first ? 2 : 1;
  const Shape s = b.type(x).shape;  // a copy: adding nodes may move the graph's types
  if (box.top != 0 || box.height != s[ih])
    x = b.Op("Slice", {x}, {{"axis", ih}, {"begin", box.top}, {"size", box.height}});
  if (box.left != 0 || box.width != s[ih + 1])
    x = b.Op("Slice", {x}, {{"axis", ih + 1}, {"begin", box.left}, {"size", box.width}});
  return x;
}

}  // namespace kiln::keras::layers

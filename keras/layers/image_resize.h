// Image resizing and cropping as Keras's backends do them, shared by UpSampling2D, Resizing and
// CenterCrop. Resizing follows tf.image.resize and jax.image.resize with antialias off: half-pixel
// centers, output o samples the input at (o + 0.5) * in / out - 0.5, clamped to the edge pixels.
//
//   x = ResizeImages(b, x, /*height=*/8, /*width=*/8, "bilinear", channels_first);
//   x = CropImages(b, x, AspectRatioCrop(in_h, in_w, 8, 8), channels_first);
//
// Each axis is resized by a constant (out x in) interpolation matrix applied with MatMul, so the
// gradient is the transposed matrix product and needs no op of its own.
#pragma once

#include <string>
#include <vector>

#include "graph/graph_builder.h"

namespace kiln::keras::layers {

// Resizing's and CenterCrop's target: throws kiln::ValueError naming `where` unless height and
// width are positive and at most config::kMaxSize.
void CheckTargetSize(const std::string& where, int64_t height, int64_t width);
// A rank-4 image batch's shape with its spatial axes set to (height, width); throws
// kiln::ShapeError naming `where` for another rank.
Shape TargetShape(const std::string& where, const Shape& in, int64_t height, int64_t width,
                  bool channels_first);

// Throws kiln::ValueError "<where>: interpolation must be 'bilinear' or 'nearest', got '...'".
void CheckInterpolation(const std::string& where, const std::string& interpolation);

// Row-major (out x in): row o holds the weights output o gives each input sample. "nearest" picks
// floor((o + 0.5) * in / out) (jax.image.resize's rule, computed exactly); "bilinear" blends the
// two samples around the half-pixel position.
std::vector<double> InterpolationMatrix(int64_t in, int64_t out, const std::string& interpolation);

// x, (N, H, W, C) or (N, C, H, W) when channels_first with H and W known, resized to
// (height, width). Axes already of the target size are left alone.
ValueRef ResizeImages(GraphBuilder& b, ValueRef x, int64_t height, int64_t width,
                      const std::string& interpolation, bool channels_first);

// A window of an image: rows [top, top + height), columns [left, left + width).
struct CropBox {
  int64_t top = 0, height = 0, left = 0, width = 0;
};

// The largest centered window with the target's aspect ratio, in Keras's float32 arithmetic
// (crop_to_aspect_ratio and image_utils.smart_resize).
CropBox AspectRatioCrop(int64_t in_h, int64_t in_w, int64_t target_h, int64_t target_w);

// x's window `box` (Slice along each spatial axis that the box narrows).
ValueRef CropImages(GraphBuilder& b, ValueRef x, const CropBox& box, bool channels_first);

}  // namespace kiln::keras::layers

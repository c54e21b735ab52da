// Cropping2D: drops rows above and below, columns left and right of each image (Keras's
// Cropping2D, the inverse of ZeroPadding2D).
//
//   layers::Cropping2D({.cropping = {{{2, 2}, {4, 4}}}})   // ((top, bottom), (left, right))
//   layers::Cropping2D({.cropping = {{{1, 0}, {0, 1}}}, .data_format = "channels_first"})
//
// The input's height and width must be known when the layer is called (Slice's sizes are static)
// and larger than what is cropped from them.
#pragma once

#include <array>

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct Cropping2DOptions {
  // ((top, bottom), (left, right)), as Keras's config stores it.
  std::array<std::array<int64_t, 2>, 2> cropping = {{{0, 0}, {0, 0}}};
  std::string data_format = "channels_last";
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Cropping2D : public Layer {
  KILN_LAYER_CLASS(Cropping2D)

 public:
  // Throws kiln::ValueError naming the layer on negative cropping or an unknown data_format.
  explicit Cropping2D(Cropping2DOptions options = {});
  std::string class_name() const override { return "Cropping2D"; }
  // Throws kiln::ShapeError naming the layer unless the input has rank 4 and each cropped
  // dimension is larger than its cropping.
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  bool channels_first() const { return o_.data_format == "channels_first"; }
  Cropping2DOptions o_;
};

}  // namespace kiln::keras::layers

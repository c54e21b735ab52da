// ZeroPadding2D: zero rows above and below, zero columns left and right of each image (Keras's
// ZeroPadding2D; MobileNetV2 and ResNet pad before their strided convolutions with it).
//
//   layers::ZeroPadding2D({.padding = {{0, 1}, {0, 1}}, .name = "Conv1_pad"})   // bottom, right
//   layers::ZeroPadding2D({.padding = {{3, 3}, {3, 3}}})
#pragma once

#include <array>

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ZeroPadding2DOptions {
  // ((top, bottom), (left, right)), as Keras's config stores it.
  std::array<std::array<int64_t, 2>, 2> padding = {{{1, 1}, {1, 1}}};
  std::string data_format = "channels_last";
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class ZeroPadding2D : public Layer {
  KILN_LAYER_CLASS(ZeroPadding2D)

 public:
  // Throws kiln::ValueError naming the layer on negative padding or an unknown data_format.
  explicit ZeroPadding2D(ZeroPadding2DOptions options = {});
  std::string class_name() const override { return "ZeroPadding2D"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  bool channels_first() const { return o_.data_format == "channels_first"; }
  ZeroPadding2DOptions o_;
};

}  // namespace kiln::keras::layers

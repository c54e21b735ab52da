// MaxPooling2D: the maximum of each pool_size window, moving by strides (default pool_size).
//
//   layers::MaxPooling2D({.pool_size = {2, 2}})
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

struct MaxPooling2DOptions {
  std::vector<int64_t> pool_size = {2, 2};
  std::vector<int64_t> strides = {};  // default: pool_size
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class MaxPooling2D : public Layer {
  KILN_LAYER_CLASS(MaxPooling2D)

 public:
  explicit MaxPooling2D(MaxPooling2DOptions options = {});
  std::string class_name() const override { return "MaxPooling2D"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  MaxPooling2DOptions o_;
};

}  // namespace kiln::keras::layers

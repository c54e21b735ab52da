// ReLU (with max_value, negative_slope and threshold: ReLU6 is ReLU({.max_value = 6})) and
// LeakyReLU, as keras.layers.ReLU / LeakyReLU:
//   f(x) = max_value                      for x >= max_value
//        = x                              for threshold <= x < max_value
//        = negative_slope * (x - threshold) otherwise
//
//   KerasTensor y = layers::ReLU({.max_value = 6.0})(x);
//   KerasTensor z = layers::LeakyReLU({.alpha = 0.2})(x);
#pragma once

#include <optional>

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ReLUOptions {
  std::optional<double> max_value = std::nullopt;
  double negative_slope = 0;
  double threshold = 0;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class ReLU : public Layer {
  KILN_LAYER_CLASS(ReLU)

 public:
  // Throws kiln::ValueError for a negative max_value or negative_slope (Keras's errors).
  explicit ReLU(ReLUOptions options = {});
  std::string class_name() const override { return "ReLU"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  ReLUOptions o_;
};

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct LeakyReLUOptions {
  double alpha = 0.3;  // Keras 3 calls it negative_slope
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class LeakyReLU : public Layer {
  KILN_LAYER_CLASS(LeakyReLU)

 public:
  // Throws kiln::ValueError for a negative alpha.
  explicit LeakyReLU(LeakyReLUOptions options = {});
  std::string class_name() const override { return "LeakyReLU"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  double alpha_;
};

// The rectifier above in ops: Relu (and Minimum) for the plain and capped forms, Maximum(x, s x)
// for a leaky slope below 1, otherwise a mask of x >= threshold.
ValueRef LowerRectifier(GraphBuilder& b, ValueRef x, double negative_slope,
                        std::optional<double> max_value, double threshold);

}  // namespace kiln::keras::layers

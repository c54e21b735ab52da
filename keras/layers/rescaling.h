// Rescaling: y = x * scale + offset, Keras's preprocessing layer for pixel ranges ([0, 255] to
// [0, 1] or [-1, 1]). `scale` and `offset` are one number or one per channel (the last axis), as
// EfficientNet's per-channel Rescaling.
//
//   x = layers::Rescaling(1.0 / 127.5, {.offset = {-1}})(x);
//   x = layers::Rescaling({1 / 0.229, 1 / 0.224, 1 / 0.225})(x);
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct RescalingOptions {
  std::vector<double> offset = {0.0};
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Rescaling : public Layer {
  KILN_LAYER_CLASS(Rescaling)

 public:
  explicit Rescaling(std::vector<double> scale, RescalingOptions options = {});
  explicit Rescaling(double scale, RescalingOptions options = {})
      : Rescaling(std::vector<double>{scale}, std::move(options)) {}
  std::string class_name() const override { return "Rescaling"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  std::vector<double> scale_, offset_;
};

}  // namespace kiln::keras::layers

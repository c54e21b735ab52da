// GaussianNoise: during training, adds zero-centred normal noise of standard deviation `stddev`
// (a regularizer, and data augmentation for real-valued inputs); at inference, the identity.
//
//   x = layers::GaussianNoise(0.1)(x);
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct GaussianNoiseOptions {
  std::optional<uint64_t> seed = std::nullopt;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class GaussianNoise : public Layer {
  KILN_LAYER_CLASS(GaussianNoise)

 public:
  explicit GaussianNoise(double stddev, GaussianNoiseOptions options = {});
  std::string class_name() const override { return "GaussianNoise"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  double stddev_;
  std::optional<uint64_t> seed_;
};

}  // namespace kiln::keras::layers

// GaussianDropout: during training, multiplies by normal noise of mean 1 and standard deviation
// sqrt(rate / (1 - rate)), the multiplicative noise with dropout's variance; at inference, the
// identity.
//
//   x = layers::GaussianDropout(0.3)(x);
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct GaussianDropoutOptions {
  std::optional<uint64_t> seed = std::nullopt;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class GaussianDropout : public Layer {
  KILN_LAYER_CLASS(GaussianDropout)

 public:
  explicit GaussianDropout(double rate, GaussianDropoutOptions options = {});
  std::string class_name() const override { return "GaussianDropout"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  double rate_;
  std::optional<uint64_t> seed_;
};

}  // namespace kiln::keras::layers

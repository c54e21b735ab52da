// ELU: x for x > 0, alpha * (exp(x) - 1) otherwise (Keras's ELU layer; the "elu" activation is
// alpha = 1).
//
//   KerasTensor y = layers::ELU({.alpha = 0.5})(x);
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ELUOptions {
  double alpha = 1.0;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class ELU : public Layer {
  KILN_LAYER_CLASS(ELU)

 public:
  // Throws kiln::ValueError for a non-finite alpha.
  explicit ELU(ELUOptions options = {});
  std::string class_name() const override { return "ELU"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  double alpha_;
};

}  // namespace kiln::keras::layers

// PReLU: x for x >= 0, alpha * x otherwise, with a learned alpha per element of the input
// (batch excluded), or shared along shared_axes (1-based, as Keras counts them: {1, 2} shares one
// alpha per channel of an image). alpha is stored with size 1 on the shared axes, as Keras does.
//
//   layers::PReLU()                                  // alpha (h, w, c), initialized to zeros
//   layers::PReLU({.shared_axes = {1, 2}})           // alpha (1, 1, c)
#pragma once

#include "keras/initializers.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct PReLUOptions {
  Initializer alpha_initializer = "zeros";
  // Keras configs, applied by the model in training (keras/regularizers.h, constraints.h).
  nlohmann::json alpha_regularizer = nullptr, alpha_constraint = nullptr;
  std::vector<int64_t> shared_axes = {};
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class PReLU : public Layer {
  KILN_LAYER_CLASS(PReLU)

 public:
  // Throws kiln::ValueError naming the layer for an invalid alpha_initializer.
  explicit PReLU(PReLUOptions options = {});
  std::string class_name() const override { return "PReLU"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  PReLUOptions o_;
};

}  // namespace kiln::keras::layers

// Dense: activation(x · kernel + bias), kernel (in, units), bias (units,), as Keras. On an input of
// rank 3 or more it applies to the last axis: (None, 5, 4) -> (None, 5, units).
//
//   layers::Dense(128, {.activation = "relu"})
//   layers::Dense(1, {.input_shape = {2}})           // first layer of a Sequential
//   layers::Dense(10, {.kernel_initializer = "zeros", .use_bias = false, .name = "logits"})
//
// Regularizers and constraints are Keras configs ({"class_name": "L2", "config": {"l2": 0.01}}),
// applied by the model in training (keras/regularizers.h, keras/constraints.h).
#pragma once

#include "keras/initializers.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct DenseOptions {
  std::string activation = "linear";
  bool use_bias = true;
  Initializer kernel_initializer = "glorot_uniform";
  Initializer bias_initializer = "zeros";
  nlohmann::json kernel_regularizer = nullptr, bias_regularizer = nullptr,
                 activity_regularizer = nullptr;
  nlohmann::json kernel_constraint = nullptr, bias_constraint = nullptr;
  std::vector<int64_t> input_shape = {};
  int64_t input_dim = 0;
  std::string name = "";
};

class Dense : public Layer {
  KILN_LAYER_CLASS(Dense)

 public:
  explicit Dense(int64_t units, DenseOptions options = {});
  std::string class_name() const override { return "Dense"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

  int64_t units() const { return units_; }
  const DenseOptions& options() const { return options_; }

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  int64_t units_;
  DenseOptions options_;
};

}  // namespace kiln::keras::layers

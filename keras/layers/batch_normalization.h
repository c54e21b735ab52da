// BatchNormalization over one feature axis: the last by default (channels_last), or any other
// non-batch axis (1 after a channels_first Conv2D), negative counting from the end as in Keras.
// Training normalizes with the batch's mean and variance over the other axes and moves the stored
// statistics towards them (momentum 0.99); inference uses the stored statistics. Weights: gamma,
// beta (trainable), moving_mean, moving_variance, each of the feature axis's size.
//
//   layers::BatchNormalization({.momentum = 0.99, .epsilon = 1e-3})
//   layers::BatchNormalization({.axis = 1})   // after Conv2D(..., {.data_format =
//   "channels_first"})
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct BatchNormalizationOptions {
  int64_t axis = -1;
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  // tf.keras 2.x's fused kernel (rank-4 inputs normalized over the channel axis, 1 or 3) moves
  // moving_variance towards the batch variance times n / (n - 1), n the values per channel;
  // Keras 3 (and tf.keras on other inputs) uses the batch variance itself. Not a Keras config
  // key: the loader sets it for files Keras 2.x wrote.
  bool unbiased_moving_variance = false;
  // Keras configs, applied by the model in training (keras/regularizers.h, constraints.h).
  nlohmann::json beta_regularizer = nullptr, gamma_regularizer = nullptr;
  nlohmann::json beta_constraint = nullptr, gamma_constraint = nullptr;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class BatchNormalization : public Layer {
  KILN_LAYER_CLASS(BatchNormalization)

 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});
  void set_unbiased_moving_variance(bool v) { o_.unbiased_moving_variance = v; }
  std::string class_name() const override { return "BatchNormalization"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  // The feature axis in [1, rank) for an input of `rank`; throws kiln::ShapeError naming the layer
  // when it is the batch axis or out of range.
  int FeatureAxis(int rank) const;
  BatchNormalizationOptions o_;
};

}  // namespace kiln::keras::layers

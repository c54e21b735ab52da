// BatchNormalization over the last axis (channels_last). Training normalizes with the batch's
// mean and variance and moves the stored statistics towards them (momentum 0.99); inference uses
// the stored statistics. Weights: gamma, beta (trainable), moving_mean, moving_variance.
//
//   layers::BatchNormalization({.momentum = 0.99, .epsilon = 1e-3})
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

struct BatchNormalizationOptions {
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});
  std::string class_name() const override { return "BatchNormalization"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  BatchNormalizationOptions o_;
};

}  // namespace kiln::keras::layers

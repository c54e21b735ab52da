// LayerNormalization: each example normalized over `axis` (the last by default) with its own mean
// and variance, then scaled by gamma and shifted by beta (Keras's LayerNormalization, as in
// transformers): y = (x - mean) / sqrt(var + epsilon) * gamma + beta. gamma and beta have the
// normalized axes' sizes, as Keras stores them. The same in training and inference.
//
//   layers::LayerNormalization()                                 // over the features
//   layers::LayerNormalization({.axis = {1, 2, 3}, .epsilon = 1e-6})
#pragma once

#include "keras/initializers.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct LayerNormalizationOptions {
  std::vector<int64_t> axis = {-1};  // non-batch axes, negative counting from the end
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  Initializer beta_initializer = "zeros";
  Initializer gamma_initializer = "ones";
  // Keras configs, applied by the model in training (keras/regularizers.h, constraints.h).
  nlohmann::json beta_regularizer = nullptr, gamma_regularizer = nullptr;
  nlohmann::json beta_constraint = nullptr, gamma_constraint = nullptr;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class LayerNormalization : public Layer {
  KILN_LAYER_CLASS(LayerNormalization)

 public:
  // Throws kiln::ValueError naming the layer for an empty axis list or a non-positive epsilon.
  explicit LayerNormalization(LayerNormalizationOptions options = {});
  std::string class_name() const override { return "LayerNormalization"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  // The normalized axes in [1, rank), sorted; throws kiln::ShapeError naming the layer when one is
  // the batch axis, repeated or out of range.
  std::vector<int64_t> Axes(int rank) const;
  LayerNormalizationOptions o_;
};

}  // namespace kiln::keras::layers

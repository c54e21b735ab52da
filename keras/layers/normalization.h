// Normalization: y = (x - mean) / max(sqrt(variance), 1e-7) per feature, Keras's preprocessing
// layer. The statistics are either given (then they are constants of the layer's config, with no
// weights) or non-trainable weights mean, variance and count, set by adapt() or loaded from a
// Keras file, as EfficientNet's Normalization stores ImageNet's.
//
//   layers::Normalization norm;                       // axis -1: one mean per channel
//   norm.adapt(train_images);                         // Keras's adapt(): the data's statistics
//   x = layers::Normalization({.mean = {0.5}, .variance = {0.25}})(x);
//
// Contract: `axis` lists the kept (feature) axes, batch being 0 (negative from the end); the
// others are averaged over. `invert` maps normalized values back: mean + x * sqrt(variance).
// A given mean or variance has one value or one per feature (the kept axes' product).
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct NormalizationOptions {
  std::vector<int64_t> axis = {-1};
  std::vector<double> mean = {};  // empty: the weights (adapt or a loaded file)
  std::vector<double> variance = {};
  bool invert = false;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Normalization : public Layer {
  KILN_LAYER_CLASS(Normalization)

 public:
  explicit Normalization(NormalizationOptions options = {});
  std::string class_name() const override { return "Normalization"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  // Sets mean, variance (biased, as Keras's) and count from `data` (batch first), building the
  // layer for its shape if needed. Throws kiln::ValueError when the layer was given its statistics.
  void adapt(const Tensor& data);

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  std::vector<int> KeptAxes(int rank) const;
  // The shape the statistics broadcast with: the input's at kept axes, 1 elsewhere.
  Shape BroadcastShape(const Shape& in) const;

  NormalizationOptions o_;
};

}  // namespace kiln::keras::layers

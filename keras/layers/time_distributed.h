// TimeDistributed: one layer applied to every step of a sequence with the same weights (Keras's
// TimeDistributed): (batch, steps, ...) -> (batch, steps, the layer's output ...). It runs as
// the layer on (batch * steps, ...) between two reshapes, so the steps and the per-step shape must
// be known. The weights are the wrapped layer's, under this layer's name, as Keras saves them.
//
//   KerasTensor frames = Input({.shape = {8, 28, 28, 1}});                  // 8 images a clip
//   KerasTensor f = layers::TimeDistributed(layers::Conv2D(16, {3, 3}))(frames);
//   KerasTensor v = layers::TimeDistributed(layers::Flatten())(f);          // (None, 8, 10816)
//
// Contract: the wrapped layer takes one input and has no states (Dropout's generator,
// BatchNormalization's moving statistics) and no regularizers or constraints; others are refused
// with the layer named.
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct TimeDistributedOptions {
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class TimeDistributed : public Layer {
  KILN_LAYER_CLASS(TimeDistributed)

 public:
  explicit TimeDistributed(LayerRef layer, TimeDistributedOptions options = {});
  std::string class_name() const override { return "TimeDistributed"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  const Layer& layer() const { return *layer_; }

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  // The wrapped layer's input for ours: the batch and step axes merged.
  Shape StepShape(const Shape& input_shape) const;
  std::shared_ptr<Layer> layer_;
};

}  // namespace kiln::keras::layers

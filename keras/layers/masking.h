// Masking: marks the steps of a sequence whose features all equal mask_value as skipped, for the
// recurrent layers and GlobalAveragePooling1D after it (Keras's Masking): the output is the input
// with skipped steps zeroed, and its mask is 1 where any feature differs from mask_value.
//
//   KerasTensor x = Input({.shape = {50, 8}});              // sequences padded with zeros
//   KerasTensor m = layers::Masking()(x);                   // mask_value 0
//   KerasTensor y = layers::LSTM(16)(m);                    // padded steps skipped
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct MaskingOptions {
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Masking : public Layer {
  KILN_LAYER_CLASS(Masking)

 public:
  explicit Masking(double mask_value = 0.0, MaskingOptions options = {});
  std::string class_name() const override { return "Masking"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  std::vector<ValueRef> ComputeMask(GraphBuilder& b, std::span<const ValueRef> inputs,
                                    std::span<const ValueRef> masks,
                                    size_t n_outputs) const override;
  nlohmann::json get_config() const override;
  double mask_value() const { return mask_value_; }

 private:
  double mask_value_;
};

// 1 (float32) where x differs from `value`, 0 where it equals it: Keras's not_equal, the mask of
// Masking and of Embedding(mask_zero).
ValueRef NotEqualMask(GraphBuilder& b, ValueRef x, double value);
// A mask in the dtype of the values it applies to (masks are float32; a float64 graph, as the
// gradient checks build, needs them in float64).
ValueRef MaskAs(GraphBuilder& b, ValueRef mask, DType dtype);

}  // namespace kiln::keras::layers

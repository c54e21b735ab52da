// Dropout: during training, zeroes inputs with probability `rate` and scales the rest by
// 1 / (1 - rate); at inference, the identity (Keras's inverted dropout). The masks come from a
// generator whose state is seeded from the global seed when the layer is built. A `noise_shape`
// draws one mask value per broadcast group (kUnknownDim where Keras says None: the input's
// dimension), as EfficientNet's per-sample drop-connect Dropout(rate, noise_shape=(None,1,1,1)).
//
//   model.add(layers::Dropout(0.5));
//   layers::Dropout(0.2, {.noise_shape = {kUnknownDim, 1, 1, 1}})
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct DropoutOptions {
  std::vector<int64_t> noise_shape = {};  // batch included; empty: the input's shape
  std::optional<uint64_t> seed = std::nullopt;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

// The generator state a random layer keeps among its states() (not saved): from `seed`, or the
// global generator's next value.
Weight SeedState(std::optional<uint64_t> seed);

class Dropout : public Layer {
  KILN_LAYER_CLASS(Dropout)

 public:
  explicit Dropout(double rate, DropoutOptions options = {});
  std::string class_name() const override { return "Dropout"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  double rate() const { return rate_; }

 protected:
  // For a derived layer, which calls InitBase itself (the default name follows class_name(), which
  // a base constructor would read as "Dropout") and then CheckRate().
  struct Derived {};
  Dropout(Derived, double rate, std::optional<uint64_t> seed) : rate_(rate), seed_(seed) {}
  void CheckRate() const;
  void BuildWeights(const Shape& input_shape) override;
  // The noise shape for an input of this shape (empty: the input's).
  virtual std::vector<int64_t> NoiseShape(const Shape& input_shape) const;

  double rate_;
  std::vector<int64_t> noise_shape_;
  std::optional<uint64_t> seed_;
};

}  // namespace kiln::keras::layers

// Dropout: during training, zeroes inputs with probability `rate` and scales the rest by
// 1 / (1 - rate); at inference, the identity (Keras's inverted dropout). The masks come from a
// generator whose state is seeded from the global seed when the layer is built.
//
//   model.add(layers::Dropout(0.5));
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

struct DropoutOptions {
  std::optional<uint64_t> seed = std::nullopt;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Dropout : public Layer {
  KILN_LAYER_CLASS(Dropout)

 public:
  explicit Dropout(double rate, DropoutOptions options = {});
  std::string class_name() const override { return "Dropout"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  double rate() const { return rate_; }

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  double rate_;
  std::optional<uint64_t> seed_;
};

}  // namespace kiln::keras::layers

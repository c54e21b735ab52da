// Permute: reorders the non-batch dimensions (Keras's Permute). dims are 1-based and leave out the
// batch, as Keras's: (None, 10, 64) with dims (2, 1) gives (None, 64, 10).
//
//   layers::Permute({2, 1})
//   layers::Permute({3, 1, 2})   // (None, H, W, C) -> (None, C, H, W)
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct PermuteOptions {
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Permute : public Layer {
  KILN_LAYER_CLASS(Permute)

 public:
  // Throws kiln::ValueError naming the layer unless dims is a permutation of 1..dims.size().
  explicit Permute(std::vector<int64_t> dims, PermuteOptions options = {});
  std::string class_name() const override { return "Permute"; }
  // Throws kiln::ShapeError naming the layer unless the input has dims.size() + 1 dimensions.
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  std::vector<int64_t> dims_;
};

}  // namespace kiln::keras::layers

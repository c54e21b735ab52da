// Reshape: (batch, ...) -> (batch, *target_shape), one target dimension may be -1 (inferred), as
// keras.layers.Reshape.
//
//   KerasTensor se = layers::Reshape({1, 1, 64})(layers::GlobalAveragePooling2D()(x));
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ReshapeOptions {
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Reshape : public Layer {
  KILN_LAYER_CLASS(Reshape)

 public:
  // Throws kiln::ValueError for more than one -1 or a dimension below -1.
  explicit Reshape(std::vector<int64_t> target_shape, ReshapeOptions options = {});
  std::string class_name() const override { return "Reshape"; }
  // Throws kiln::ShapeError naming the layer when the sizes do not match.
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  bool KeepsIntegerInputs() const override { return true; }

 private:
  std::vector<int64_t> target_;
};

}  // namespace kiln::keras::layers

// Softmax (the layer): softmax along an axis, as keras.layers.Softmax.
//
//   model.add(layers::Softmax());
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct SoftmaxOptions {
  int64_t axis = -1;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Softmax : public Layer {
  KILN_LAYER_CLASS(Softmax)

 public:
  explicit Softmax(SoftmaxOptions options = {});
  std::string class_name() const override { return "Softmax"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  int64_t axis_;
};

}  // namespace kiln::keras::layers

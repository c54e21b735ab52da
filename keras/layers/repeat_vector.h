// RepeatVector: (None, d) -> (None, n, d), each sample's vector n times (Keras's RepeatVector,
// the bridge from an encoder's vector to a decoder's sequence).
//
//   layers::RepeatVector(3)   // (None, 32) -> (None, 3, 32)
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct RepeatVectorOptions {
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class RepeatVector : public Layer {
  KILN_LAYER_CLASS(RepeatVector)

 public:
  // Throws kiln::ValueError naming the layer unless n is positive.
  explicit RepeatVector(int64_t n, RepeatVectorOptions options = {});
  std::string class_name() const override { return "RepeatVector"; }
  // Throws kiln::ShapeError naming the layer unless the input has rank 2.
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  int64_t n_;
};

}  // namespace kiln::keras::layers

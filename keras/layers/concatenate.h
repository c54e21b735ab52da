// Concatenate: joins its inputs along an axis, as keras.layers.Concatenate. The inputs must
// agree in every dimension but that axis (None agrees with anything).
//
//   layers::Concatenate concat({.axis = 1});          // (None, 2, 5) and (None, 3, 5) -> (None, 5,
//   5) ValueRef joined = concat.Call(b, std::vector<ValueRef>{x, y}, ctx)[0];
#pragma once

#include "keras/layers/merge.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ConcatenateOptions {
  int64_t axis = -1;
  std::string name = "";
};

class Concatenate : public Merge {
  KILN_LAYER_CLASS(Concatenate)

 public:
  explicit Concatenate(ConcatenateOptions options = {});
  std::string class_name() const override { return "Concatenate"; }
  std::vector<Shape> ComputeOutputShapes(std::span<const Shape> input_shapes) const override;
  using Layer::Call;  // the one-input form, which reports the merge error
  std::vector<ValueRef> Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                             const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  int64_t axis() const { return axis_; }

 protected:
  ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const override;

 private:
  int64_t axis_;
};

}  // namespace kiln::keras::layers

// Merge: the base of Keras's merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum,
// Concatenate, Dot). A merge layer takes a list of tensors and returns one; it has no weights.
//
//   layers::Add add;                                   // or Add({.name = "sum"})
//   std::vector<Shape> out = add.ComputeOutputShapes(std::vector<Shape>{{kUnknownDim, 3},
//                                                                        {kUnknownDim, 1}});
//   ValueRef y = add.Call(b, std::vector<ValueRef>{x1, x2}, ctx)[0];   // (None, 3)
//
// The elementwise merges follow Keras's shape rule: each dimension after the batch one must be
// equal in every input, or 1 or None in one of them (it broadcasts); known batch sizes must agree.
// Inputs of lower rank gain size-1 dimensions right after the batch dimension, as Keras expands
// them at axis 1.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct MergeOptions {
  std::string name = "";
};

class Merge : public Layer {
 public:
  // Keras's error: a merge layer needs a list of inputs, not one tensor.
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  std::vector<Shape> ComputeOutputShapes(std::span<const Shape> input_shapes) const override;
  using Layer::Call;  // the one-input form, which reports the merge error
  std::vector<ValueRef> Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                             const CallContext& ctx) override;
  // Keras's merge mask: a step is kept where every input that has a mask keeps it.
  std::vector<ValueRef> ComputeMask(GraphBuilder& b, std::span<const ValueRef> inputs,
                                    std::span<const ValueRef> masks,
                                    size_t n_outputs) const override;

 protected:
  // Subclasses call InitBase (it needs their class_name).
  Merge() = default;
  // Throws kiln::ValueError on a number of inputs the layer does not take (fewer than two here).
  virtual void CheckInputCount(std::span<const Shape> input_shapes) const;
  // Combines inputs already brought to one rank (broadcasting the rest).
  virtual ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const = 0;
  // inputs[0] op inputs[1] op ... from the left, with a binary broadcasting op.
  static ValueRef Fold(GraphBuilder& b, std::span<const ValueRef> inputs, const std::string& op);
  // "[(None, 3), (None, 4)]", as Keras prints a list of input shapes.
  static std::string ShapeListString(std::span<const Shape> shapes);
  static std::vector<Shape> ShapesOf(const GraphBuilder& b, std::span<const ValueRef> inputs);
};

// Reads a merge layer's config: name and dtype (the only options of the elementwise merges).
std::string MergeConfigName(const nlohmann::json& c, const std::string& class_name,
                            std::vector<std::string>& unsupported);

}  // namespace kiln::keras::layers

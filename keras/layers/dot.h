// Dot: sample by sample, the dot product of two inputs along one axis of each, as
// keras.layers.Dot (Keras's batch_dot). (None, n) . (None, n) with axes 1 gives (None, 1);
// (None, a, n) . (None, n, b) with axes {2, 1} gives (None, a, b): the output keeps the first
// input's other dimensions, then the second's (batch excepted). normalize L2-normalizes both
// inputs along their axes first, so the product is their cosine proximity.
//
//   layers::Dot cosine(1, {.normalize = true});
//   layers::Dot batch_matmul({2, 1});
//   ValueRef y = batch_matmul.Call(b, std::vector<ValueRef>{x, w}, ctx)[0];
#pragma once

#include <array>

#include "keras/layers/merge.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct DotOptions {
  bool normalize = false;
  std::string name = "";
};

class Dot : public Merge {
  KILN_LAYER_CLASS(Dot)

 public:
  explicit Dot(int64_t axes, DotOptions options = {});
  Dot(std::array<int64_t, 2> axes, DotOptions options = {});
  std::string class_name() const override { return "Dot"; }
  std::vector<Shape> ComputeOutputShapes(std::span<const Shape> input_shapes) const override;
  using Layer::Call;  // the one-input form, which reports the merge error
  std::vector<ValueRef> Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                             const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  // Keras's Dot drops masks (its output has no steps axis to mask).
  std::vector<ValueRef> ComputeMask(GraphBuilder&, std::span<const ValueRef>,
                                    std::span<const ValueRef>, size_t n_outputs) const override {
    return std::vector<ValueRef>(n_outputs);
  }

 protected:
  ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const override;

 private:
  // The axes for these two shapes, negative ones counted from the end; checked.
  std::array<int, 2> AxesFor(const Shape& x, const Shape& y) const;

  std::array<int64_t, 2> axes_;
  bool one_axis_;  // given as one integer (how get_config writes it back)
  bool normalize_;
};

}  // namespace kiln::keras::layers

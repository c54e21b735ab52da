// Bidirectional: a recurrent layer run forwards and a copy of it run backwards over the same
// sequence, their outputs merged (Keras's Bidirectional): merge_mode "concat" (the default, on
// the last axis), "sum", "mul", "ave", or "" for both outputs (Keras's None). The copies are
// named forward_<layer> and backward_<layer>, as Keras names them; with return_sequences the
// backward sequence comes back in time order and masked steps output zeros in both, as
// Keras's. With return_state the outputs are the merged output(s), then the forward states,
// then the backward ones.
//
//   KerasTensor e = layers::Embedding(10000, 64, {.mask_zero = true})(tokens);
//   KerasTensor v = layers::Bidirectional(layers::LSTM(32))(e);            // (None, 64)
//   KerasTensor s = layers::Bidirectional(layers::GRU(8, {.return_sequences = true}),
//                                         {.merge_mode = "sum"})(e);       // (None, steps, 8)
//
// Contract: the layer is a SimpleRNN, LSTM or GRU without regularizers or constraints (others
// are refused, naming it); initial states as inputs are not supported yet. The weights are the
// forward layer's then the backward layer's.
#pragma once

#include <optional>

#include "keras/layers/recurrent.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct BidirectionalOptions {
  std::string merge_mode = "concat";
  // Keras's backward_layer: the layer to run backwards (its go_backwards must differ from the
  // forward layer's); by default a copy of the forward one with go_backwards flipped.
  std::optional<LayerRef> backward_layer = std::nullopt;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Bidirectional : public Layer {
  KILN_LAYER_CLASS(Bidirectional)

 public:
  // Throws kiln::ValueError naming the layer for an unknown merge_mode or a layer that is not
  // recurrent.
  explicit Bidirectional(LayerRef layer, BidirectionalOptions options = {});
  std::string class_name() const override { return "Bidirectional"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  std::vector<Shape> ComputeOutputShapes(std::span<const Shape> input_shapes) const override;
  std::vector<ValueRef> Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                             const CallContext& ctx) override;
  std::vector<ValueRef> ComputeMask(GraphBuilder& b, std::span<const ValueRef> inputs,
                                    std::span<const ValueRef> masks,
                                    size_t n_outputs) const override;
  nlohmann::json get_config() const override;
  const Recurrent& forward_layer() const { return *forward_; }
  const Recurrent& backward_layer() const { return *backward_; }

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  // How many outputs the merge gives (2 for merge_mode None).
  size_t merged_outputs() const { return merge_mode_.empty() ? 2 : 1; }
  std::shared_ptr<Recurrent> forward_, backward_;
  std::string merge_mode_;
};

}  // namespace kiln::keras::layers

// Symbolic tensors of Keras's functional API: what keras::Input returns and what calling a layer
// on symbolic tensors returns. Each records the layer call (a LayerNode) that produced it, so a
// Model can walk from its outputs back to its inputs.
//
//   KerasTensor x = keras::Input({.shape = {784}, .name = "pixels"});   // (None, 784)
//   KerasTensor h = layers::Dense(64, {.activation = "relu"})(x);        // records a node
//   LayerRef shared = layers::Dense(8);                                  // called twice: shared
//   KerasTensor a = shared(x), b = shared(h2);
//   KerasTensor s = layers::Add()({a, b});                               // several inputs
//
// Contract: a layer is built for the shapes of the first call; a later call with incompatible
// shapes throws kiln::ShapeError naming the layer. Nodes keep their input tensors (and so the
// graph behind them) alive; a layer only refers to its nodes weakly.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace kiln::keras {

class Layer;
struct LayerNode;

class KerasTensor {
 public:
  KerasTensor() = default;  // no tensor: !valid()
  KerasTensor(std::shared_ptr<const LayerNode> node, int index)
      : node_(std::move(node)), index_(index) {}

  bool valid() const { return node_ != nullptr; }
  // Batch dimension included, kUnknownDim: (None, 784).
  const Shape& shape() const;
  DType dtype() const;
  // The layer call that produced this tensor, and which of its outputs it is.
  const std::shared_ptr<const LayerNode>& node() const { return node_; }
  int index() const { return index_; }
  Layer& layer() const;
  // "dense_1" (or "dense_1:1" for a layer's second output), for messages.
  std::string name() const;

  friend bool operator==(const KerasTensor& a, const KerasTensor& b) {
    return a.node_ == b.node_ && a.index_ == b.index_;
  }

 private:
  std::shared_ptr<const LayerNode> node_;
  int index_ = 0;
};

// One call of a layer on symbolic tensors. An InputLayer's node has no inputs.
struct LayerNode {
  std::shared_ptr<Layer> layer;
  std::vector<KerasTensor> inputs;
  std::vector<Shape> output_shapes;
  std::vector<DType> output_dtypes;
  // tf.keras's call(training=...) given at the call: this call runs in that mode whatever the
  // model's (base_model(x, training=False) keeps a frozen base in inference mode in fit).
  std::optional<bool> training;
};

// Builds `layer` for the inputs' shapes, computes its outputs' shapes and records the node.
// Throws kiln::ValueError on an invalid (empty) input tensor, kiln::ShapeError naming the layer
// when the shapes do not fit it.
std::vector<KerasTensor> CallLayer(const std::shared_ptr<Layer>& layer,
                                   std::span<const KerasTensor> inputs,
                                   std::optional<bool> training = std::nullopt);

}  // namespace kiln::keras

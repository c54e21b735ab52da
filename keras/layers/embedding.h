// Embedding: each integer index i of the input replaced by row i of a learned (input_dim,
// output_dim) matrix, Keras's `embeddings` weight: (batch, steps) -> (batch, steps, output_dim).
// Integer inputs stay integers (Input({.shape = {20}, .dtype = kInt32})); float ones are cast to
// int32 as Keras does. Its gradient adds each step's row gradient into the row it read, so an
// index repeated in a batch gets all of them. An index outside [0, input_dim) is an error
// naming it.
//
//   KerasTensor x = Input({.shape = {100}, .dtype = kInt32});
//   KerasTensor e = layers::Embedding(10000, 64)(x);                  // (None, 100, 64)
//   KerasTensor v = layers::GlobalAveragePooling1D()(e);              // (None, 64)
#pragma once

#include "keras/initializers.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct EmbeddingOptions {
  Initializer embeddings_initializer = "uniform";  // RandomUniform(-0.05, 0.05)
  // Keras configs, applied by the model in training (keras/regularizers.h, constraints.h).
  nlohmann::json embeddings_regularizer = nullptr, activity_regularizer = nullptr,
                 embeddings_constraint = nullptr;
  // Keras's mask_zero: index 0 is padding, and the output's mask skips those steps in the
  // recurrent layers and GlobalAveragePooling1D downstream.
  bool mask_zero = false;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Embedding : public Layer {
  KILN_LAYER_CLASS(Embedding)

 public:
  // Throws kiln::ValueError naming the layer for non-positive sizes.
  Embedding(int64_t input_dim, int64_t output_dim, EmbeddingOptions options = {});
  std::string class_name() const override { return "Embedding"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  bool KeepsIntegerInputs() const override { return true; }
  std::vector<ValueRef> ComputeMask(GraphBuilder& b, std::span<const ValueRef> inputs,
                                    std::span<const ValueRef> masks,
                                    size_t n_outputs) const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  int64_t input_dim_, output_dim_;
  EmbeddingOptions o_;
};

}  // namespace kiln::keras::layers

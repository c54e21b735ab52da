// SimpleRNN: h = activation(x kernel + h recurrent_kernel + bias) at every step, Keras's
// SimpleRNN (kernel (features, units), recurrent_kernel (units, units), bias (units,)). The
// options and masks are recurrent.h's; recurrent_activation does not apply.
//
//   KerasTensor y = layers::SimpleRNN(16, {.activation = "relu", .go_backwards = true})(x);
#pragma once

#include "keras/layers/recurrent.h"

namespace kiln::keras::layers {

class SimpleRNN : public Recurrent {
  KILN_LAYER_CLASS(SimpleRNN)

 public:
  // Throws kiln::ValueError naming the layer for bad units, rates or activations.
  explicit SimpleRNN(int64_t units, RNNOptions options = {});
  std::string class_name() const override { return "SimpleRNN"; }
  nlohmann::json get_config() const override;
};

}  // namespace kiln::keras::layers

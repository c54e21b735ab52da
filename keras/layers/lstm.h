// LSTM: Keras's long short-term memory layer, gates in Keras's column order i, f, c, o
// (kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,)), so Keras's
// files load by name and by position. States h then c. unit_forget_bias starts the forget
// gate's bias at one. The options and masks are recurrent.h's.
//
//   KerasTensor y = layers::LSTM(64, {.return_sequences = true})(x);   // (None, steps, 64)
//   LayerRef l = layers::LSTM(8, {.return_state = true});
//   auto [out, h, c] = ...l.CallAll({x, h0, c0});                     // initial states given
#pragma once

#include "keras/layers/recurrent.h"

namespace kiln::keras::layers {

class LSTM : public Recurrent {
  KILN_LAYER_CLASS(LSTM)

 public:
  // Throws kiln::ValueError naming the layer for bad units, rates or activations.
  explicit LSTM(int64_t units, RNNOptions options = {});
  std::string class_name() const override { return "LSTM"; }
  nlohmann::json get_config() const override;

 protected:
  Tensor InitialBias() const override;
};

}  // namespace kiln::keras::layers

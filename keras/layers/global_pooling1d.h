// GlobalAveragePooling1D and GlobalMaxPooling1D: the mean or max over the steps of a sequence, as
// Keras's (channels_last: (batch, steps, c) -> (batch, c); channels_first: (batch, c, steps) ->
// (batch, c); keepdims keeps the steps axis as size 1). With a mask (Embedding(mask_zero),
// Masking) GlobalAveragePooling1D averages the kept steps only, as Keras's (NaN for a row with
// none); GlobalMaxPooling1D pools every step.
//
//   KerasTensor v = layers::GlobalAveragePooling1D()(embedded);   // (None, 64)
#pragma once

#include "keras/layers/global_pooling.h"

namespace kiln::keras::layers {

using GlobalPooling1DOptions = GlobalPoolingOptions;

class GlobalAveragePooling1D : public GlobalPooling {
  KILN_LAYER_CLASS(GlobalAveragePooling1D)

 public:
  explicit GlobalAveragePooling1D(GlobalPoolingOptions options = {})
      : GlobalPooling("ReduceMean", 1, options) {
    InitBase(options.name, options.input_shape, 0);  // here: the name comes from class_name()
  }
  std::string class_name() const override { return "GlobalAveragePooling1D"; }
};

class GlobalMaxPooling1D : public GlobalPooling {
  KILN_LAYER_CLASS(GlobalMaxPooling1D)

 public:
  explicit GlobalMaxPooling1D(GlobalPoolingOptions options = {})
      : GlobalPooling("ReduceMax", 1, options) {
    InitBase(options.name, options.input_shape, 0);
  }
  std::string class_name() const override { return "GlobalMaxPooling1D"; }
};

}  // namespace kiln::keras::layers

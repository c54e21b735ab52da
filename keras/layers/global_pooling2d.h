// GlobalAveragePooling2D and GlobalMaxPooling2D: the mean or max over the spatial axes, as Keras's
// (channels_last: (batch, h, w, c) -> (batch, c); channels_first: (batch, c, h, w) -> (batch, c);
// keepdims keeps the pooled axes as size 1).
//
//   KerasTensor v = layers::GlobalAveragePooling2D()(features);          // (None, 512)
//   KerasTensor s = layers::GlobalMaxPooling2D({.keepdims = true})(x);   // (None, 1, 1, 64)
#pragma once

#include "keras/layers/global_pooling.h"

namespace kiln::keras::layers {

using GlobalPooling2DOptions = GlobalPoolingOptions;

class GlobalAveragePooling2D : public GlobalPooling {
  KILN_LAYER_CLASS(GlobalAveragePooling2D)

 public:
  explicit GlobalAveragePooling2D(GlobalPoolingOptions options = {})
      : GlobalPooling("ReduceMean", 2, options) {
    InitBase(options.name, options.input_shape, 0);  // here: the name comes from class_name()
  }
  std::string class_name() const override { return "GlobalAveragePooling2D"; }
};

class GlobalMaxPooling2D : public GlobalPooling {
  KILN_LAYER_CLASS(GlobalMaxPooling2D)

 public:
  explicit GlobalMaxPooling2D(GlobalPoolingOptions options = {})
      : GlobalPooling("ReduceMax", 2, options) {
    InitBase(options.name, options.input_shape, 0);
  }
  std::string class_name() const override { return "GlobalMaxPooling2D"; }
};

}  // namespace kiln::keras::layers

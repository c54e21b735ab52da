// MaxPooling2D: the maximum of each pool_size window, moving by strides (default pool_size);
// padding positions never win. (The options and arithmetic: pooling2d.h.)
//
//   layers::MaxPooling2D(2)                                  // Keras's MaxPooling2D(2)
//   layers::MaxPooling2D(3, {.strides = 2, .padding = "same"})
//   layers::MaxPooling2D({.pool_size = {2, 1}})
#pragma once

#include "keras/layers/pooling2d.h"

namespace kiln::keras::layers {

using MaxPooling2DOptions = Pooling2DOptions;

class MaxPooling2D : public Pooling2D {
  KILN_LAYER_CLASS(MaxPooling2D)

 public:
  explicit MaxPooling2D(Pooling2DOptions options = {})
      : Pooling2D("MaxPool2D", std::move(options)) {
    Init();
  }
  // MaxPooling2D(2): Keras's pool_size as the first argument.
  explicit MaxPooling2D(int64_t pool_size, Pooling2DOptions options = {})
      : Pooling2D("MaxPool2D", pool_size, std::move(options)) {
    Init();
  }
  std::string class_name() const override { return "MaxPooling2D"; }
};

}  // namespace kiln::keras::layers

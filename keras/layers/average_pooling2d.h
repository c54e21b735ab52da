// AveragePooling2D: the mean of each pool_size window, moving by strides (default pool_size);
// with "same" padding a border window averages only the pixels inside the image, as Keras's.
// (The options and arithmetic: pooling2d.h.)
//
//   layers::AveragePooling2D(2)
//   layers::AveragePooling2D(3, {.strides = 1, .padding = "same"})
#pragma once

#include "keras/layers/pooling2d.h"

namespace kiln::keras::layers {

class AveragePooling2D : public Pooling2D {
  KILN_LAYER_CLASS(AveragePooling2D)

 public:
  explicit AveragePooling2D(Pooling2DOptions options = {})
      : Pooling2D("AvgPool2D", std::move(options)) {
    Init();
  }
  // AveragePooling2D(2): Keras's pool_size as the first argument.
  explicit AveragePooling2D(int64_t pool_size, Pooling2DOptions options = {})
      : Pooling2D("AvgPool2D", pool_size, std::move(options)) {
    Init();
  }
  std::string class_name() const override { return "AveragePooling2D"; }
};

}  // namespace kiln::keras::layers

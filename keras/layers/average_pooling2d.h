// AveragePooling2D: the mean of each pool_size window, moving by strides (default pool_size);
// with "same" padding a border window averages only the pixels inside the image, as Keras's.
// (The options and arithmetic: pooling2d.h.)
//
//   layers::AveragePooling2D({.pool_size = {2, 2}})
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
  std::string class_name() const override { return "AveragePooling2D"; }
};

}  // namespace kiln::keras::layers

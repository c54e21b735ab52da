// The number of trainable parameters of a model, as the "Trainable params" line of Keras's
// summary counts them.
#pragma once

#include "keras/keras.h"

namespace kiln::keras::applications {

inline int64_t TrainableParams(Model& m) {
  int64_t n = 0;
  for (const auto& layer : m.layers()) {
    const std::vector<bool> mask = layer->TrainableMask();
    for (size_t i = 0; i < mask.size(); ++i)
      if (mask[i]) n += layer->weights()[i].value.num_elements();
  }
  return n;
}

}  // namespace kiln::keras::applications

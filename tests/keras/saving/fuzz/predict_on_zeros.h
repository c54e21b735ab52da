// What the model fuzzers do with a model that loaded: predict once on zeros (batch 2), so that
// building, lowering and the kernels see what the loader accepted; skipped for large inputs.
#pragma once

#include "keras/keras.h"

namespace kiln::fuzz {

inline void PredictOnZeros(keras::Model& model) {
  std::vector<Tensor> zeros;
  for (const keras::KerasTensor& in : model.inputs()) {
    std::vector<int64_t> dims = in.shape().dims();
    int64_t elements = 1;
    for (auto& d : dims) elements *= (d = d < 0 ? 2 : d);
    if (elements > (1 << 16)) return;
    zeros.emplace_back(in.dtype(), Shape(dims));
  }
  model.predict_all(zeros);
}

}  // namespace kiln::fuzz

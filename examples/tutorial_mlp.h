// The founding tutorial's Fashion-MNIST MLP (784-128-256-512-10, relu, softmax), uncompiled: one
// definition for the example, the benchmark and the tests.
//
//   auto model = kiln::examples::TutorialMlp();
//   model->compile({.optimizer = optimizers::SGD({.lr = 0.1}), .loss =
//   "categorical_crossentropy"});
#pragma once

#include <memory>

#include "keras/keras.h"

namespace kiln::examples {

std::unique_ptr<keras::Sequential> TutorialMlp();

}  // namespace kiln::examples

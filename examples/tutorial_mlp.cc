#include "examples/tutorial_mlp.h"

namespace kiln::examples {

std::unique_ptr<keras::Sequential> TutorialMlp() {
  using namespace keras;
  auto model = std::make_unique<Sequential>();
  model->add(layers::Flatten({.input_shape = {28, 28}}));
  model->add(layers::Dense(128, {.activation = "relu"}));
  model->add(layers::Dense(256, {.activation = "relu"}));
  model->add(layers::Dense(512, {.activation = "relu"}));
  model->add(layers::Dense(10, {.activation = "softmax"}));
  return model;
}

}  // namespace kiln::examples

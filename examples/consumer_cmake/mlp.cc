// The founding tutorial's MLP on Fashion-MNIST, as a program outside Kiln's repository would
// write it: only Kiln's installed public header, no Kiln build flags.
//
//   mlp [EPOCHS [MODEL.h5]]   (defaults: 1 epoch, no file)
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 1;
  try {
    utils::set_random_seed(1);
    auto [train, test] = datasets::fashion_mnist::load_data();
    Tensor x_train = train.x.astype(kFloat32) / 255.0, x_test = test.x.astype(kFloat32) / 255.0;
    Tensor y_train = utils::to_categorical(train.y, 10), y_test = utils::to_categorical(test.y, 10);

    Sequential model;
    model.add(layers::Flatten({.input_shape = {28, 28}}));
    model.add(layers::Dense(128, {.activation = "relu"}));
    model.add(layers::Dense(256, {.activation = "relu"}));
    model.add(layers::Dense(512, {.activation = "relu"}));
    model.add(layers::Dense(10, {.activation = "softmax"}));
    model.compile({.optimizer = optimizers::SGD({.lr = 0.1}),
                   .loss = losses::categorical_crossentropy,
                   .metrics = {"accuracy"}});
    model.fit(x_train, y_train, {.batch_size = 32, .epochs = epochs, .verbose = 2});
    auto score = model.evaluate(x_test, y_test, {.verbose = 0});
    std::printf("Test accuracy %.4f\n", score[1]);
    if (argc > 2) {
      model.save(argv[2]);
      std::printf("Saved the trained model to %s\n", argv[2]);
    }
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// A Keras user's second program: a small CNN on Fashion-MNIST with BatchNormalization and
// Dropout, Adam on an exponentially decaying rate, EarlyStopping that keeps the best weights and
// ModelCheckpoint that saves them, on a validation split. Reaches about 0.92 test accuracy.
//
//   bazel run -c opt //examples:fashion_mnist_cnn [-- --epochs 12 --output /tmp/cnn.h5]
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "io/user_path.h"
#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  CLI::App app{"Train a small CNN on Fashion-MNIST, keeping the best epoch"};
  int epochs = 12, verbose = 1;
  int64_t batch_size = 64;
  uint64_t seed = 1;
  std::string output = "fashion_mnist_cnn.h5", data_dir;
  app.add_option("--epochs", epochs, "most training epochs (EarlyStopping may stop sooner)")
      ->check(CLI::PositiveNumber);
  app.add_option("--batch-size", batch_size, "samples per step")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "random seed for the weights, the shuffling and Dropout");
  app.add_option("--output", output, "the best model, saved by ModelCheckpoint (HDF5)")
      ->transform(kiln::UserPath);
  app.add_option("--data-dir", data_dir,
                 "Fashion-MNIST directory (default: $KILN_DATA_DIR or Debian's)")
      ->transform(kiln::UserPath);
  app.add_option("--verbose", verbose, "0: silent, 1: progress bar, 2: one line per epoch");
  CLI11_PARSE(app, argc, argv);
  try {
    utils::set_random_seed(seed);
    auto [train, test] = datasets::fashion_mnist::load_data(data_dir);
    // (n, 28, 28) bytes -> (n, 28, 28, 1) floats in [0, 1], channels last as Conv2D wants.
    auto images = [](const kiln::Tensor& x) {
      return (x.astype(kiln::kFloat32) / 255.0).Reshaped(kiln::Shape{x.dim(0), 28, 28, 1});
    };
    const kiln::Tensor x_train = images(train.x), x_test = images(test.x);
    const kiln::Tensor y_train = utils::to_categorical(train.y, 10),
                       y_test = utils::to_categorical(test.y, 10);

    Sequential model(
        {layers::Conv2D(32, {3, 3}, {.padding = "same", .input_shape = {28, 28, 1}}),
         layers::BatchNormalization(), layers::Activation("relu"), layers::MaxPooling2D(),
         layers::Conv2D(64, {3, 3}, {.padding = "same"}), layers::BatchNormalization(),
         layers::Activation("relu"), layers::MaxPooling2D(), layers::Flatten(),
         layers::Dropout(0.3), layers::Dense(128, {.activation = "relu"}), layers::Dropout(0.3),
         layers::Dense(10, {.activation = "softmax"})},
        "fashion_cnn");
    // 54000 training samples at 64 a step: 844 steps an epoch; the rate falls by 0.7 per epoch.
    const auto schedule = optimizers::schedules::ExponentialDecay(
        {.initial_learning_rate = 1e-3, .decay_steps = 844, .decay_rate = 0.7});
    model.compile({.optimizer = optimizers::Adam({.learning_rate = schedule}),
                   .loss = "categorical_crossentropy",
                   .metrics = {"accuracy"}});
    model.summary();
    const auto start = std::chrono::steady_clock::now();
    History h = model.fit(
        x_train, y_train,
        {.batch_size = batch_size,
         .epochs = epochs,
         .verbose = verbose,
         .callbacks = {std::make_shared<callbacks::EarlyStopping>(
                           callbacks::EarlyStoppingOptions{.monitor = "val_accuracy",
                                                           .patience = 3,
                                                           .verbose = 1,
                                                           .restore_best_weights = true}),
                       std::make_shared<callbacks::ModelCheckpoint>(
                           output,
                           callbacks::ModelCheckpointOptions{
                               .monitor = "val_accuracy", .verbose = 1, .save_best_only = true})},
         .validation_split = 0.1});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::vector<double> score = model.evaluate(x_test, y_test, {.verbose = 0});
    std::printf("Test loss: %.4f\n", score[0]);
    std::printf("Test accuracy %.4f\n", score[1]);
    std::printf("Training time: %.1f s for %zu epochs\n", seconds, h.epoch.size());
    std::printf("Best model saved to %s\n", output.c_str());
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

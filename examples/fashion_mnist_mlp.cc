// The founding tutorial's third program: an MLP on Fashion-MNIST (the tutorial reached 0.8840).
//
//   bazel run -c opt //examples:fashion_mnist_mlp [-- --epochs 20 --batch-size 32 --seed 1
//                                                     --output /tmp/fashion_mlp.h5
//                                                     --tensorboard /tmp/logs]
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "io/user_path.h"
#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  CLI::App app{"Train the tutorial's 784-128-256-512-10 MLP on Fashion-MNIST"};
  int epochs = 20, verbose = 1;
  int64_t batch_size = 32;
  uint64_t seed = 1;
  std::string output, data_dir, tensorboard;
  app.add_option("--epochs", epochs, "training epochs")->check(CLI::PositiveNumber);
  app.add_option("--batch-size", batch_size, "samples per step")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "random seed for the weights and the shuffling");
  app.add_option("--output", output, "where to save the trained model (HDF5)")
      ->transform(kiln::UserPath);
  app.add_option("--data-dir", data_dir,
                 "Fashion-MNIST directory (default: $KILN_DATA_DIR or Debian's)")
      ->transform(kiln::UserPath);
  app.add_option("--tensorboard", tensorboard,
                 "write TensorBoard logs (curves, weight histograms, graph) to this directory")
      ->transform(kiln::UserPath);
  app.add_option("--verbose", verbose, "0: silent, 1: progress bar, 2: one line per epoch");
  CLI11_PARSE(app, argc, argv);
  try {
    utils::set_random_seed(seed);
    auto [train, test] = datasets::fashion_mnist::load_data(data_dir);
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
    model.summary();
    auto start = std::chrono::steady_clock::now();
    callbacks::CallbackList cbs;
    if (!tensorboard.empty())
      cbs.push_back(std::make_shared<callbacks::TensorBoard>(
          tensorboard, callbacks::TensorBoardOptions{.histogram_freq = 1, .update_freq = 100}));
    model.fit(x_train, y_train,
              {.batch_size = batch_size, .epochs = epochs, .verbose = verbose, .callbacks = cbs});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto score = model.evaluate(x_test, y_test, {.verbose = 0});
    std::printf("Test loss: %.4f\n", score[0]);
    std::printf("Test accuracy %.4f\n", score[1]);
    std::printf("Training time: %.1f s (%.2f s/epoch)\n", seconds, seconds / epochs);
    if (!output.empty()) {
      model.save(output);
      std::printf("Saved the trained model to %s\n", output.c_str());
    }
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

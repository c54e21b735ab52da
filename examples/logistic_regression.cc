// The founding tutorial's second program: logistic regression, hours studied -> passed.
//
//   bazel run -c opt //examples:logistic_regression [-- --seed 1 --verbose 0]
#include <CLI/CLI.hpp>

#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  CLI::App app{"Logistic regression with Dense + sigmoid (the Keras tutorial's second program)"};
  uint64_t seed = 1;
  int verbose = 1;
  app.add_option("--seed", seed, "random seed for the weights and the shuffling");
  app.add_option("--verbose", verbose, "0: silent, 1: progress bar, 2: one line per epoch");
  CLI11_PARSE(app, argc, argv);
  try {
    utils::set_random_seed(seed);
    Tensor X = Tensor::FromVector<float>(
        {0.50f, 0.75f, 1.00f, 1.25f, 1.50f, 1.75f, 1.75f, 2.00f, 2.25f, 2.50f,
         2.75f, 3.00f, 3.25f, 3.50f, 4.00f, 4.25f, 4.50f, 4.75f, 5.00f, 5.50f},
        {20, 1});
    Tensor y = Tensor::FromVector<float>(
        {0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1}, {20});
    Sequential model;
    model.add(layers::Dense(1, {.input_shape = {1}}));
    model.add(layers::Activation("sigmoid"));
    model.compile(
        {.optimizer = optimizers::SGD({.lr = 0.05}), .loss = losses::binary_crossentropy});
    model.fit(X, y, {.batch_size = 1, .epochs = 3000, .verbose = verbose});
    std::cout << utils::ArrayListRepr(model.get_weights()) << "\n";
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

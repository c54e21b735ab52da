// The founding tutorial's first program: linear regression, y = 2*x0 + 3*x1 + 4 + noise.
//
//   bazel run -c opt //examples:linear_regression [-- --seed 1 --verbose 1]
#include <CLI/CLI.hpp>
#include <random>

#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  CLI::App app{
      "Linear regression with a one-unit Dense layer (the Keras tutorial's first program)"};
  uint64_t seed = 1;
  int verbose = 1;
  app.add_option("--seed", seed, "random seed for the data, the weights and the shuffling");
  app.add_option("--verbose", verbose, "0: silent, 1: progress bar, 2: one line per epoch");
  CLI11_PARSE(app, argc, argv);
  try {
    utils::set_random_seed(seed);
    // X = np.random.rand(100, 2); y = 2 * X[:,0] + 3 * X[:,1] + 4 + .2*np.random.randn(100)
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> rand(0.f, 1.f);
    std::normal_distribution<float> randn(0.f, 1.f);
    Tensor X(kFloat32, {100, 2}), y(kFloat32, {100});
    for (int i = 0; i < 100; ++i) {
      float x0 = rand(rng), x1 = rand(rng);
      X.data<float>()[2 * i] = x0;
      X.data<float>()[2 * i + 1] = x1;
      y.data<float>()[i] = 2 * x0 + 3 * x1 + 4 + .2f * randn(rng);
    }
    Sequential model({layers::Dense(1, {.activation = "linear", .input_shape = {2}})});
    model.compile({.optimizer = optimizers::SGD({.lr = 0.1}), .loss = "mse"});
    model.fit(X, y, {.batch_size = 2, .epochs = 100, .verbose = verbose});
    std::cout << utils::ArrayListRepr(model.get_weights()) << "\n";
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

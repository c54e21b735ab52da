// Writes a trained Kiln model and its predictions for the independent readers (h5py/numpy and,
// where it can be installed, real Keras): OUT_DIR/model.h5, OUT_DIR/x.npy, OUT_DIR/y.npy.
#include <iostream>
#include <random>

#include "io/npy.h"
#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_sample_model OUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  try {
    utils::set_random_seed(3);
    std::mt19937 rng(3);
    std::normal_distribution<float> n(0.f, 1.f);
    Tensor x(kFloat32, {40, 3, 4}), y(kFloat32, {40, 5});
    for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = n(rng);
    for (int i = 0; i < 40; ++i) y.data<float>()[i * 5 + i % 5] = 1;
    Sequential model({layers::Flatten({.input_shape = {3, 4}}),
                      layers::Dense(16, {.activation = "relu"}), layers::Dropout(0.2),
                      layers::Dense(8), layers::Activation("tanh"),
                      layers::Dense(5, {.activation = "softmax"})});
    model.compile({.optimizer = optimizers::SGD({.lr = 0.1, .momentum = 0.9}),
                   .loss = "categorical_crossentropy",
                   .metrics = {"accuracy"}});
    model.fit(x, y, {.batch_size = 8, .epochs = 3, .verbose = 0});
    model.save(dir + "/model.h5");
    kiln::npy::Save(dir + "/x.npy", x);
    kiln::npy::Save(dir + "/y.npy", model.predict(x));
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

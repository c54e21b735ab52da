// Transfer learning as Keras users do it: a base model trained on one task and saved, loaded
// back, cut below its classifier, frozen, and given a new head for another task; then fine-tuned
// with every layer trainable at a low rate.
//
// The tasks are two halves of Fashion-MNIST: the base learns classes 0-4 (T-shirt, trouser,
// pullover, dress, coat) from 30000 images; the new task is classes 5-9 (sandal, shirt, sneaker,
// bag, ankle boot) with only --samples labelled images, evaluated on its 5000 test images.
//
//   bazel run -c opt //examples:transfer_learning [-- --base /tmp/base.h5 --samples 1000]
//
// With --base naming an existing file, that model is the base (it must have a layer named
// "features"); otherwise one is trained and saved there first.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "io/user_path.h"
#include "keras/keras.h"

using namespace kiln::keras;
using kiln::Shape;
using kiln::Tensor;

namespace {

struct Task {
  Tensor x, y;  // (n, 28, 28, 1) floats in [0, 1]; one-hot over the five classes of the half
};

// The first `limit` images whose class is in [first, first + 5), labelled 0-4 within the half.
Task Half(const datasets::Split& d, int first, int64_t limit) {
  std::vector<int64_t> rows;
  const uint8_t* labels = d.y.data<uint8_t>();
  for (int64_t i = 0; i < d.y.dim(0) && int64_t(rows.size()) < limit; ++i)
    if (labels[i] >= first && labels[i] < first + 5) rows.push_back(i);
  const int64_t n = static_cast<int64_t>(rows.size());
  Tensor x(kiln::kFloat32, Shape{n, 28, 28, 1}), y(kiln::kUInt8, Shape{n});
  for (int64_t k = 0; k < n; ++k) {
    const uint8_t* src = d.x.data<uint8_t>() + rows[k] * 784;
    for (int p = 0; p < 784; ++p) x.data<float>()[k * 784 + p] = src[p] / 255.0f;
    y.data<uint8_t>()[k] = static_cast<uint8_t>(labels[rows[k]] - first);
  }
  return {x, utils::to_categorical(y, 5)};
}

// A small CNN whose penultimate layer is "features".
void TrainBase(const datasets::Split& train, const std::string& path) {
  const Task s = Half(train, 0, 1 << 30);
  Sequential base({layers::Conv2D(16, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}),
                   layers::MaxPooling2D(), layers::Conv2D(32, {3, 3}, {.activation = "relu"}),
                   layers::MaxPooling2D(), layers::Flatten(),
                   layers::Dense(64, {.activation = "relu", .name = "features"}),
                   layers::Dense(5, {.activation = "softmax", .name = "classes_0_4"})},
                  "base");
  base.compile({.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  std::printf("Training the base on classes 0-4 (%lld images)\n",
              static_cast<long long>(s.x.dim(0)));
  base.fit(s.x, s.y, {.batch_size = 64, .epochs = 2, .verbose = 2});
  base.save(path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Reuse a saved Fashion-MNIST model's features for new classes"};
  std::string base_path = "transfer_base.h5", data_dir;
  int64_t samples = 1000;
  int epochs = 10;
  uint64_t seed = 1;
  app.add_option("--base", base_path, "the base model (trained and saved here when missing)")
      ->transform(kiln::UserPath);
  app.add_option("--samples", samples, "labelled images of the new task")
      ->check(CLI::PositiveNumber);
  app.add_option("--epochs", epochs, "epochs for the new head, and again for fine-tuning")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "random seed");
  app.add_option("--data-dir", data_dir,
                 "Fashion-MNIST directory (default: $KILN_DATA_DIR or Debian's)")
      ->transform(kiln::UserPath);
  CLI11_PARSE(app, argc, argv);
  try {
    utils::set_random_seed(seed);
    auto [train, test] = datasets::fashion_mnist::load_data(data_dir);
    if (!std::filesystem::exists(base_path)) TrainBase(train, base_path);

    // The saved model, cut below its classifier and frozen: Keras's
    //   base = keras.Model(old.inputs, old.get_layer("features").output); base.trainable = False
    std::unique_ptr<Model> old = load_model(base_path);
    auto base =
        std::make_shared<Model>(ModelOptions{.inputs = old->inputs(),
                                             .outputs = {old->get_layer("features")->output()},
                                             .name = "base_features"});
    base->set_trainable(false);
    const std::vector<Tensor> frozen = base->get_weights();

    KerasTensor inputs = Input({.shape = {28, 28, 1}, .name = "image"});
    KerasTensor x = LayerRef(base)(inputs);
    x = layers::Dropout(0.2)(x);
    KerasTensor outputs = layers::Dense(5, {.activation = "softmax", .name = "classes_5_9"})(x);
    Model model({.inputs = {inputs}, .outputs = {outputs}, .name = "transfer"});
    model.compile({.optimizer = optimizers::Adam({.learning_rate = 1e-3}),
                   .loss = "categorical_crossentropy",
                   .metrics = {"accuracy"}});
    model.summary();  // the base's weights count as non-trainable

    const Task task = Half(train, 5, samples), task_test = Half(test, 5, 1 << 30);
    std::printf("New head on classes 5-9: %lld labelled images\n",
                static_cast<long long>(task.x.dim(0)));
    model.fit(task.x, task.y, {.batch_size = 32, .epochs = epochs, .verbose = 2});
    const double head = model.evaluate(task_test.x, task_test.y, {.verbose = 0})[1];
    bool unchanged = true;
    const std::vector<Tensor> after = base->get_weights();
    for (size_t i = 0; i < after.size(); ++i)
      unchanged = unchanged && std::memcmp(after[i].raw(), frozen[i].raw(), after[i].nbytes()) == 0;
    std::printf("Frozen base, new head: test accuracy %.4f (base weights unchanged: %s)\n", head,
                unchanged ? "yes" : "NO");

    // Fine-tuning: everything trainable, a rate ten times lower; compile again, as Keras requires
    // after a change of trainable.
    base->set_trainable(true);
    model.compile({.optimizer = optimizers::Adam({.learning_rate = 1e-4}),
                   .loss = "categorical_crossentropy",
                   .metrics = {"accuracy"}});
    model.fit(task.x, task.y, {.batch_size = 32, .epochs = epochs, .verbose = 2});
    const double tuned = model.evaluate(task_test.x, task_test.y, {.verbose = 0})[1];
    std::printf("Fine-tuned: test accuracy %.4f\n", tuned);
    return unchanged ? 0 : 1;
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

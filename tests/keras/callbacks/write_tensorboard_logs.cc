// Trains a small classifier for 3 epochs with callbacks::TensorBoard (histograms every epoch,
// batch scalars every 2 batches, validation) and writes what Kiln recorded beside the logs, for
// tensorboard_interop.py to compare with what TensorBoard reads: LOG_DIR/expected.json holds the
// History, every batch's logs, the learning rate and each epoch's weights by tag.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "keras/keras.h"

using namespace kiln::keras;

namespace {

// Records what TensorBoard is given, as it is given (it runs after TensorBoard in the list).
class Recorder : public callbacks::Callback {
 public:
  nlohmann::json out = {{"batches", nlohmann::json::array()}, {"weights", nlohmann::json::array()}};
  void on_train_batch_end(int64_t, callbacks::Logs& logs) override {
    out["batches"].push_back(logs);
  }
  void on_epoch_end(int, callbacks::Logs&) override {
    nlohmann::json w;
    for (const auto& layer : model().layers())
      for (const Weight& weight : layer->weights())
        w[layer->name() + "/" + weight.name + "/histogram"] =
            weight.value.astype(kiln::kFloat64).ToVector<double>();
    out["weights"].push_back(w);
    out["learning_rate"] = model().optimizer()->learning_rate();
    out["iterations"].push_back(model().optimizer()->iterations());
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_tensorboard_logs LOG_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  try {
    utils::set_random_seed(5);
    std::mt19937 rng(5);
    std::normal_distribution<float> n(0.f, 1.f);
    Tensor x(kiln::kFloat32, {50, 4}), y(kiln::kFloat32, {50, 3});
    for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = n(rng);
    for (int i = 0; i < 50; ++i) y.data<float>()[i * 3 + i % 3] = 1;
    Sequential model({layers::Dense(8, {.activation = "relu", .input_shape = {4}}),
                      layers::Dense(3, {.activation = "softmax"})});
    model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.05}),
                   .loss = "categorical_crossentropy",
                   .metrics = {"accuracy"}});
    auto tb = std::make_shared<callbacks::TensorBoard>(
        dir, callbacks::TensorBoardOptions{.histogram_freq = 1, .update_freq = 2});
    auto rec = std::make_shared<Recorder>();
    History h = model.fit(x, y,
                          {.batch_size = 8,
                           .epochs = 3,
                           .verbose = 0,
                           .callbacks = {tb, rec},
                           .validation_split = 0.2});
    rec->out["history"] = h.history;
    std::ofstream(dir + "/expected.json") << rec->out.dump();
    std::cout << tb->train_file() << "\n" << tb->validation_file() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "write_tensorboard_logs: " << e.what() << "\n";
    return 1;
  }
}

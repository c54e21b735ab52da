// Kiln's callbacks against what real tf.keras's did on the same scripted curves
// (tests/fixtures/keras/gen/callbacks.json, written by
// scripts/keras_fixtures/make_callback_traces.py): each case drives one callback by hand on a small
// compiled model whose weights are set to the epoch number before each epoch, and must print the
// same text, stop at the same epoch, leave the same learning rate after each epoch and the same
// (restored) weights, and write the same files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "keras/keras.h"

namespace kiln::keras::callbacks {
namespace {

using nlohmann::json;

json Traces() {
  std::ifstream in("tests/fixtures/keras/gen/callbacks.json");
  return json::parse(in);
}

std::shared_ptr<Callback> Make(const json& c, const std::string& dir) {
  const std::string kind = c["kind"];
  const json& a = c["args"];
  if (kind == "EarlyStopping")
    return std::make_shared<EarlyStopping>(EarlyStoppingOptions{
        .monitor = a.value("monitor", "val_loss"),
        .min_delta = a.value("min_delta", 0.0),
        .patience = a.value("patience", 0),
        .verbose = a.value("verbose", 0),
        .mode = a.value("mode", "auto"),
        .baseline = a.contains("baseline") ? std::optional<double>(a["baseline"]) : std::nullopt,
        .restore_best_weights = a.value("restore_best_weights", false),
        .start_from_epoch = a.value("start_from_epoch", 0)});
  if (kind == "ModelCheckpoint")
    return std::make_shared<ModelCheckpoint>(
        dir + "/" + a["filepath"].get<std::string>(),
        ModelCheckpointOptions{
            .monitor = a.value("monitor", "val_loss"),
            .verbose = a.value("verbose", 0),
            .save_best_only = a.value("save_best_only", false),
            .save_weights_only = a.value("save_weights_only", false),
            .initial_value_threshold = a.contains("initial_value_threshold")
                                           ? std::optional<double>(a["initial_value_threshold"])
                                           : std::nullopt});
  if (kind == "ReduceLROnPlateau")
    return std::make_shared<ReduceLROnPlateau>(
        ReduceLROnPlateauOptions{.factor = a.value("factor", 0.1),
                                 .patience = a.value("patience", 10),
                                 .verbose = a.value("verbose", 0),
                                 .min_delta = a.value("min_delta", 1e-4),
                                 .cooldown = a.value("cooldown", 0),
                                 .min_lr = a.value("min_lr", 0.0)});
  if (kind == "LearningRateScheduler") {
    EXPECT_EQ(a["schedule"], "halve_after_1");
    return std::make_shared<LearningRateScheduler>(
        [](int epoch, double lr) { return epoch < 1 ? lr : lr * 0.5; }, a.value("verbose", 0));
  }
  if (kind == "CSVLogger")
    return std::make_shared<CSVLogger>(dir + "/" + a["filename"].get<std::string>());
  ADD_FAILURE() << "no such callback " << kind;
  return nullptr;
}

class KerasTrace : public ::testing::TestWithParam<int> {};

TEST_P(KerasTrace, SameOutputStopsRatesWeightsAndFiles) {
  const json c = Traces()["cases"][GetParam()];
  SCOPED_TRACE(c.dump().substr(0, 300));
  const std::string dir =
      std::string(getenv("TEST_TMPDIR")) + "/trace" + std::to_string(GetParam());
  std::filesystem::create_directories(dir);
  Sequential model({layers::Dense(1, {.input_dim = 2})});
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = "mse"});
  std::shared_ptr<Callback> cb = Make(c, dir);
  ASSERT_TRUE(cb);
  std::ostringstream out;
  cb->set_model(&model, &out);
  model.stop_training = false;
  const int epochs = static_cast<int>(c["logs"].begin().value().size());
  std::optional<int> stopped;
  std::vector<double> lrs;
  Logs logs;
  cb->on_train_begin(logs);
  for (int e = 0; e < epochs; ++e) {
    std::vector<Tensor> w;
    for (const Tensor& t : model.get_weights()) {
      Tensor v(t.dtype(), t.shape());
      std::fill(v.data<float>(), v.data<float>() + v.num_elements(), float(e));
      w.push_back(v);
    }
    model.set_weights(w);
    logs.clear();
    cb->on_epoch_begin(e, logs);
    logs.clear();
    for (const auto& [k, v] : c["logs"].items()) logs[k] = v[e].get<double>();
    cb->on_epoch_end(e, logs);
    lrs.push_back(static_cast<float>(model.optimizer()->learning_rate()));
    if (model.stop_training) {
      stopped = e;
      break;
    }
  }
  cb->on_train_end(logs);

  std::string want = c["printed"];
  for (size_t p; (p = want.find("{dir}")) != std::string::npos;) want.replace(p, 5, dir);
  EXPECT_EQ(out.str(), want);
  EXPECT_EQ(stopped,
            c["stopped_epoch"].is_null() ? std::nullopt : std::optional<int>(c["stopped_epoch"]));
  EXPECT_EQ(lrs, c["lr_after_epoch"].get<std::vector<double>>());
  EXPECT_EQ(model.get_weights()[0].data<float>()[0], c["final_weight"].get<double>());
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(dir))
    files.push_back(f.path().filename());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, c["files"].get<std::vector<std::string>>());
  if (!c["csv"].is_null()) {
    std::ifstream csv(dir + "/log.csv", std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(csv), {}), c["csv"].get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(TfKeras, KerasTrace,
                         ::testing::Range(0, static_cast<int>(Traces()["cases"].size())));

}  // namespace
}  // namespace kiln::keras::callbacks

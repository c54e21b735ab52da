// Callbacks inside Model::fit: the hooks' order and counts, logs that reach History (a
// callback's additions included), stopping from an epoch or a batch, and the files
// ModelCheckpoint and CSVLogger write, read back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras::callbacks {
namespace {

struct Data {
  Tensor x, y;
};

Data Regression(int n) {
  std::mt19937 rng(2);
  Data d{testing::RandomTensor(kFloat32, {n, 3}, rng), Tensor(kFloat32, {n, 1})};
  for (int i = 0; i < n; ++i)
    d.y.data<float>()[i] = d.x.data<float>()[i * 3] - 2 * d.x.data<float>()[i * 3 + 2];
  return d;
}

std::unique_ptr<Sequential> Model(double lr = 0.05) {
  utils::set_random_seed(1);
  auto m = std::make_unique<Sequential>(std::vector<LayerRef>{layers::Dense(1, {.input_dim = 3})});
  m->compile({.optimizer = optimizers::SGD({.learning_rate = lr}), .loss = "mse"});
  return m;
}

TEST(FitCallbacks, HooksInKerasOrderWithTheLogs) {
  const Data d = Regression(20);
  auto m = Model();
  std::vector<std::string> events;
  auto spy = std::make_shared<LambdaCallback>(LambdaCallbackOptions{
      .on_epoch_begin = [&](int e, Logs&) { events.push_back("epoch_begin " + std::to_string(e)); },
      .on_epoch_end =
          [&](int e, Logs& logs) {
            events.push_back("epoch_end " + std::to_string(e) + " " +
                             std::to_string(logs.count("loss")) +
                             std::to_string(logs.count("val_loss")));
            logs["extra"] = e * 10;  // reaches History, as in Keras
          },
      .on_train_batch_begin = [&](int64_t b, Logs&) { events.push_back("b" + std::to_string(b)); },
      .on_train_batch_end =
          [&](int64_t b, Logs& logs) {
            events.push_back("B" + std::to_string(b) + (logs.count("loss") ? "+" : "-"));
          },
      .on_train_begin = [&](Logs&) { events.push_back("train_begin"); },
      .on_train_end =
          [&](Logs& logs) {
            events.push_back("train_end " + std::to_string(logs.count("val_loss")));
          }});
  History h = m->fit(
      d.x, d.y,
      {.batch_size = 8, .epochs = 2, .verbose = 0, .callbacks = {spy}, .validation_split = 0.2});
  // 16 training samples in batches of 8: two batches an epoch.
  EXPECT_EQ(events, (std::vector<std::string>{"train_begin", "epoch_begin 0", "b0", "B0+", "b1",
                                              "B1+", "epoch_end 0 11", "epoch_begin 1", "b0", "B0+",
                                              "b1", "B1+", "epoch_end 1 11", "train_end 1"}));
  EXPECT_EQ(h.history["extra"], (std::vector<double>{0, 10}));
}

TEST(FitCallbacks, EarlyStoppingEndsFitAndRestoresTheBestWeights) {
  const Data d = Regression(32);
  // A learning rate that diverges: the loss rises from the first epoch on.
  auto m = Model(/*lr=*/1.9);
  const std::vector<Tensor> initial = m->get_weights();
  auto stop = std::make_shared<EarlyStopping>(
      EarlyStoppingOptions{.monitor = "loss", .patience = 2, .restore_best_weights = true});
  std::ostringstream out;
  History h = m->fit(d.x, d.y,
                     {.batch_size = 32,
                      .epochs = 50,
                      .verbose = 0,
                      .callbacks = {stop},
                      .shuffle = false,
                      .out = &out});
  ASSERT_LT(h.history["loss"].size(), 50u);
  EXPECT_EQ(h.history["loss"].size(), size_t(stop->stopped_epoch() + 1));
  const auto& loss = h.history["loss"];
  const size_t best = std::min_element(loss.begin(), loss.end()) - loss.begin();
  EXPECT_EQ(stop->best_epoch(), int(best));
  // The weights are the best epoch's: evaluating them gives a loss no worse than the best epoch
  // started from (the logged loss is the epoch's running mean, before its last step).
  EXPECT_LE(m->evaluate(d.x, d.y, {.verbose = 0})[0], loss.back());
  EXPECT_FALSE(m->get_weights()[0].BitwiseEquals(initial[0]));
}

TEST(FitCallbacks, ModelCheckpointFilesLoadAndCsvLoggerMatchesHistory) {
  const Data d = Regression(40);
  auto m = Model();
  const std::string dir = std::string(getenv("TEST_TMPDIR")) + "/ckpt";
  std::filesystem::create_directories(dir);  // CSVLogger, as Keras's, creates no directory
  auto ckpt = std::make_shared<ModelCheckpoint>(dir + "/m-{epoch:02d}-{val_loss:.3f}.h5",
                                                ModelCheckpointOptions{.save_best_only = true});
  auto csv = std::make_shared<CSVLogger>(dir + "/log.csv");
  History h = m->fit(d.x, d.y,
                     {.batch_size = 8,
                      .epochs = 3,
                      .verbose = 0,
                      .callbacks = {ckpt, csv},
                      .validation_split = 0.25});
  // A loss that falls every epoch: one file per epoch, named by it.
  for (int e = 0; e < 3; ++e) {
    char name[64];
    std::snprintf(name, sizeof name, "/m-%02d-%.3f.h5", e + 1, h.history["val_loss"][e]);
    ASSERT_TRUE(std::filesystem::exists(dir + name)) << name;
  }
  char last[64];
  std::snprintf(last, sizeof last, "/m-03-%.3f.h5", h.history["val_loss"][2]);
  auto loaded = load_model(dir + last);
  EXPECT_TRUE(loaded->get_weights()[0].BitwiseEquals(m->get_weights()[0]));
  EXPECT_TRUE(loaded->compiled());
  std::ifstream in(dir + "/log.csv");
  std::string header, row;
  std::getline(in, header);
  EXPECT_EQ(header, "epoch,loss,val_loss\r");
  for (int e = 0; e < 3; ++e) {
    ASSERT_TRUE(std::getline(in, row));
    EXPECT_EQ(row, std::to_string(e) + "," + PythonFloat(h.history["loss"][e]) + "," +
                       PythonFloat(h.history["val_loss"][e]) + "\r");
  }
}

TEST(FitCallbacks, TerminateOnNaNStopsAtTheBatch) {
  const Data d = Regression(64);
  auto m = Model(/*lr=*/50);  // diverges to inf within a few steps
  std::ostringstream out;
  int batches = 0;
  auto count = std::make_shared<LambdaCallback>(
      LambdaCallbackOptions{.on_train_batch_end = [&](int64_t, Logs&) { ++batches; }});
  History h = m->fit(d.x, d.y,
                     {.batch_size = 4,
                      .epochs = 5,
                      .verbose = 0,
                      .callbacks = {std::make_shared<TerminateOnNaN>(), count},
                      .shuffle = false,
                      .out = &out});
  EXPECT_EQ(h.history["loss"].size(), 1u);
  EXPECT_LT(batches, 16);
  EXPECT_NE(out.str().find("Batch " + std::to_string(batches - 1) +
                           ": Invalid loss, terminating training\n"),
            std::string::npos)
      << out.str();
}

TEST(FitCallbacks, LearningRateCallbacksChangeTheStepAndReachHistory) {
  const Data d = Regression(16);
  auto m = Model(0.1);
  History h = m->fit(d.x, d.y,
                     {.batch_size = 16,
                      .epochs = 3,
                      .verbose = 0,
                      .callbacks = {std::make_shared<LearningRateScheduler>(
                          [](int epoch, double) { return epoch == 1 ? 0.0 : 0.1; })},
                      .shuffle = false});  // the same summation order every epoch
  EXPECT_EQ(h.history["lr"],
            (std::vector<double>{static_cast<float>(0.1), 0.0, static_cast<float>(0.1)}));
  // One batch an epoch, so each epoch logs the loss before its step. Epoch 1 stepped at rate 0:
  // epoch 2 starts from the same weights.
  const auto& loss = h.history["loss"];
  EXPECT_LT(loss[1], loss[0]);
  EXPECT_EQ(loss[2], loss[1]);
  EXPECT_THROW(ReduceLROnPlateau({.factor = 1.5}), ValueError);
  EXPECT_THROW(EarlyStopping({.mode = "biggest"}), ValueError);
}

TEST(FitCallbacks, TestAndPredictHooksInEvaluatePredictAndValidation) {
  const Data d = Regression(20);
  auto m = Model();
  std::vector<std::string> events;
  struct Spy : Callback {
    std::vector<std::string>* events;
    void on_test_begin(Logs&) override { events->push_back("test_begin"); }
    void on_test_batch_end(int64_t b, Logs& logs) override {
      events->push_back("T" + std::to_string(b) + (logs.count("loss") ? "+" : "-"));
    }
    void on_test_end(Logs& logs) override {
      events->push_back("test_end " + std::to_string(logs.at("loss")));
    }
    void on_predict_begin(Logs&) override {
      events->push_back("predict_begin " + std::to_string(params().steps));
    }
    void on_predict_batch_end(int64_t b, Logs&) override {
      events->push_back("P" + std::to_string(b));
    }
    void on_predict_end(Logs&) override { events->push_back("predict_end"); }
    void on_epoch_end(int e, Logs&) override { events->push_back("epoch_end"); }
  };
  auto spy = std::make_shared<Spy>();
  spy->events = &events;
  // 4 validation samples in batches of 3: two test batches per validation, before epoch_end.
  m->fit(d.x, d.y,
         {.batch_size = 3, .epochs = 1, .verbose = 0, .callbacks = {spy}, .validation_split = 0.2});
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0], "test_begin");
  EXPECT_EQ(events[1], "T0+");
  EXPECT_EQ(events[2], "T1+");
  EXPECT_EQ(events[4], "epoch_end");
  events.clear();
  const std::vector<double> score =
      m->evaluate(d.x, d.y, {.batch_size = 8, .verbose = 0, .callbacks = {spy}});
  EXPECT_EQ(events, (std::vector<std::string>{"test_begin", "T0+", "T1+", "T2+",
                                              "test_end " + std::to_string(score[0])}));
  events.clear();
  m->predict(d.x, {.batch_size = 16, .callbacks = {spy}});
  EXPECT_EQ(events, (std::vector<std::string>{"predict_begin 2", "P0", "P1", "predict_end"}));
}

// Where fit puts its progress bar among the callbacks: Keras 2.3.1 (samples) first, so the bar's
// epoch line ends before another callback's message and shows the model's metrics only; tf.keras
// (steps) last, so the message comes first and ReduceLROnPlateau's lr is on the bar.
TEST(FitCallbacks, ProgressBarPlacedAsEachKerasPlacesIt) {
  const Data d = Regression(16);
  for (ProgressStyle style : {ProgressStyle::kSamples, ProgressStyle::kSteps}) {
    auto m = Model(0.1);
    std::ostringstream out;
    double t = 0;
    m->fit(d.x, d.y,
           {.batch_size = 16,
            .epochs = 2,
            .callbacks = {std::make_shared<ReduceLROnPlateau>(ReduceLROnPlateauOptions{
                .monitor = "loss",
                .factor = 0.5,
                .patience = 0,
                .verbose = 1,
                .min_delta = 1e9})},  // nothing counts as better: the rate halves every epoch
            .progress = style,
            .out = &out,
            .clock = [&] { return t += 1; },
            .dynamic = false});
    // Epoch 1 sets the best loss; epoch 2 is no better, and the rate halves at its end.
    const std::string s = out.str().substr(out.str().find("Epoch 2/2"));
    const size_t message = s.find("Epoch 2: ReduceLROnPlateau reducing learning rate to 0.05");
    const size_t bar_end = s.find(style == ProgressStyle::kSteps ? "1/1 [" : "16/16 [");
    ASSERT_NE(message, std::string::npos) << out.str();
    ASSERT_NE(bar_end, std::string::npos) << out.str();
    if (style == ProgressStyle::kSamples) {
      EXPECT_LT(bar_end, message) << out.str();
      EXPECT_EQ(out.str().find("- lr:"), std::string::npos) << out.str();
    } else {
      EXPECT_LT(message, bar_end) << out.str();
      EXPECT_NE(s.find("- lr: 0.1000\n"), std::string::npos) << out.str();  // logged before
    }
  }
  EXPECT_THROW(ProgbarLogger({.count_mode = "batches"}), ValueError);
}

TEST(FitCallbacks, PathFormatting) {
  const Logs logs{{"epoch", 3}, {"val_loss", 0.123456}, {"loss", 1e-05}};
  EXPECT_EQ(FormatPath("m-{epoch:02d}-{val_loss:.2f}.h5", logs), "m-03-0.12.h5");
  EXPECT_EQ(FormatPath("{epoch}-{loss}-{val_loss:.3e}-{{x}}", logs), "3-1e-05-1.235e-01-{x}");
  EXPECT_THROW(FormatPath("{val_acc:.2f}", logs), ValueError);
  EXPECT_EQ(PythonFloat(0.1), "0.1");
  EXPECT_EQ(PythonFloat(2.0), "2.0");
  EXPECT_EQ(PythonFloat(1e-5), "1e-05");
  EXPECT_EQ(PythonFloat(0.0001), "0.0001");
  EXPECT_EQ(PythonFloat(1e16), "1e+16");
  EXPECT_EQ(PythonFloat(123456.5), "123456.5");
  EXPECT_EQ(PythonFloat(static_cast<float>(0.1)), "0.10000000149011612");
  EXPECT_EQ(PythonFloat(-2.5e-7), "-2.5e-07");
}

}  // namespace
}  // namespace kiln::keras::callbacks

// The Loss type: names, aliases and class forms; arguments refused with the loss named; the
// class form saved with its arguments and read back by load_model; a registered custom loss
// trains, saves by name and loads; reduction "sum".
#include <gtest/gtest.h>

#include <filesystem>

#include "keras/keras.h"
#include "keras/losses.h"
#include "tests/testing/testing.h"

namespace kiln::keras::losses {
namespace {

using ::kiln::testing::ErrorOf;
using nlohmann::json;

std::string Tmp(const std::string& name) {
  return (std::filesystem::path(getenv("TEST_TMPDIR")) / name).string();
}

TEST(Loss, NamesAliasesAndClassesResolveToKerasFunctions) {
  EXPECT_EQ(Loss("mse").function(), "mean_squared_error");
  EXPECT_EQ(Loss("MSLE").function(), "mean_squared_logarithmic_error");
  EXPECT_EQ(Loss("kullback_leibler_divergence").function(), "kl_divergence");
  EXPECT_EQ(Loss("huber_loss").function(), "huber");
  EXPECT_EQ(Loss("logcosh").function(), "log_cosh");
  EXPECT_EQ(Loss("cosine_proximity").function(), "cosine_similarity");  // Keras 2.3.1's name
  EXPECT_EQ(Loss("Huber").function(), "huber");
  EXPECT_EQ(Loss::FromConfig({{"class_name", "function"}, {"config", "poisson"}}).function(),
            "poisson");
  EXPECT_EQ(Loss("sparse_categorical_crossentropy").TargetShape(Shape{-1, 10}), (Shape{-1}));
  EXPECT_EQ(Loss("mse").TargetShape(Shape{-1, 3, 4}), (Shape{-1, 3, 4}));
}

TEST(Loss, BadNamesAndArgumentsAreNamed) {
  EXPECT_NE(ErrorOf([] { Loss("huberr"); }).find("Unknown loss function: 'huberr' (known: "),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { Loss("huberr"); }).find("log_cosh"), std::string::npos);
  EXPECT_EQ(ErrorOf([] {
              Loss::FromConfig({{"class_name", "Huber"}, {"config", {{"alpha", 1}}}});
            }),
            "Huber: argument 'alpha' is not one Kiln follows");
  EXPECT_EQ(ErrorOf([] {
              Loss::FromConfig({{"class_name", "BinaryCrossentropy"}, {"config", {{"axis", 0}}}});
            }),
            "BinaryCrossentropy: axis 0: Kiln's losses reduce the last axis only");
  EXPECT_NE(ErrorOf([] {
              Loss::FromConfig(
                  {{"class_name", "MeanSquaredError"}, {"config", {{"reduction", nullptr}}}});
            }).find("reduction null is not one Kiln trains with"),
            std::string::npos);
  EXPECT_EQ(ErrorOf([] {
              Loss::FromConfig({{"class_name", "Huber"}, {"config", {{"delta", "big"}}}});
            }),
            "Huber: argument 'delta' must be a number, got \"big\"");
  EXPECT_NE(ErrorOf([] {
              SparseCategoricalCrossentropy({.label_smoothing = 0.1});
            }).find("label_smoothing"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { Register("mse", nullptr); }).find("is a Keras loss name"),
            std::string::npos);
}

// The saved form is what each Keras's deserialize reads: the function name (Keras 3: the full
// one), or the class with its whole config.
TEST(Loss, SavedForms) {
  EXPECT_EQ(Loss("mse").Saved(false), "mse");
  EXPECT_EQ(Loss("mse").Saved(true), "mean_squared_error");
  const json h = Huber(0.5).Saved(true);
  EXPECT_EQ(h["module"], "keras.losses");
  EXPECT_EQ(h["class_name"], "Huber");
  EXPECT_EQ(h["config"]["delta"], 0.5);
  EXPECT_EQ(h["config"]["reduction"], "sum_over_batch_size");
  const json c = CategoricalCrossentropy({.from_logits = true}).Saved(false);
  EXPECT_EQ(c["config"]["from_logits"], true);
  EXPECT_EQ(c["config"]["label_smoothing"], 0.0);
  EXPECT_EQ(Loss::FromConfig(h).arguments()["delta"], 0.5);
}

// Huber(0.5) trained and saved: the file's loss is Huber(0.5), and the loaded model evaluates
// what the original does (a Huber(1) would not: the errors here exceed 0.5).
TEST(Loss, ClassFormSurvivesSaveAndLoad) {
  Sequential m({layers::Dense(1, {.input_dim = 2})});
  m.compile({.optimizer = "sgd", .loss = Huber(0.5)});
  const Tensor x = Tensor::FromVector<float>({1, 2, -1, 0.5f, 3, -2}, {3, 2});
  const Tensor y = Tensor::FromVector<float>({4, -3, 2}, {3, 1});
  m.fit(x, y, {.batch_size = 3, .epochs = 2, .verbose = 0});
  for (const auto target : {KerasTarget::kTfKeras2, KerasTarget::kKeras3}) {
    m.save(Tmp("huber.h5"), {.target = target});
    auto again = load_model(Tmp("huber.h5"));
    ASSERT_TRUE(again->compiled());
    EXPECT_EQ(again->output_training()[0].loss.arguments()["delta"], 0.5);
    EXPECT_EQ(again->evaluate(x, y, {.verbose = 0}), m.evaluate(x, y, {.verbose = 0}));
  }
}

// reduction "sum": the per-example losses added, not averaged.
TEST(Loss, SumReduction) {
  Sequential m({layers::Activation("linear", {.input_shape = {2}})});
  m.compile({.optimizer = "sgd",
             .loss = Loss::FromConfig(
                 {{"class_name", "MeanSquaredError"}, {"config", {{"reduction", "sum"}}}})});
  const Tensor p = Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2});
  const Tensor t = Tensor::FromVector<float>({0, 2, 5, 4}, {2, 2});
  // rows: mean(1, 0) = 0.5, mean(4, 0) = 2 -> 2.5 summed
  EXPECT_NEAR(m.evaluate(p, t, {.batch_size = 2, .verbose = 0})[0], 2.5, 1e-6);
}

// A custom loss over the graph builder: trained, saved by its name, loaded by that name.
TEST(Loss, RegisteredCustomLossTrainsSavesAndLoads) {
  // Twice the mean absolute error.
  Register("twice_mae", [](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
    ValueRef mae = b.Op("ReduceMean", {b.Op("Abs", {b.Op("Sub", {y_pred, y_true})})},
                        {{"axes", std::vector<int64_t>{-1}}});
    return b.Op("Mul", {mae, b.Scalar(2)});
  });
  Sequential m({layers::Activation("linear", {.input_shape = {2}})});
  m.compile({.optimizer = "sgd", .loss = "twice_mae"});
  const Tensor p = Tensor::FromVector<float>({1, 2, 3, -4}, {2, 2});
  const Tensor t = Tensor::FromVector<float>({0, 2.5f, 5, 4}, {2, 2});
  EXPECT_NEAR(m.evaluate(p, t, {.verbose = 0})[0], 2 * 2.875, 1e-6);
  m.save(Tmp("custom.h5"));
  auto again = load_model(Tmp("custom.h5"));
  ASSERT_TRUE(again->compiled());
  EXPECT_EQ(again->output_training()[0].loss.name(), "twice_mae");
  EXPECT_NEAR(again->evaluate(p, t, {.verbose = 0})[0], 2 * 2.875, 1e-6);
  // An unregistered custom loss also trains; its name is all a file keeps.
  Sequential u({layers::Dense(1, {.input_dim = 2})});
  u.compile({.optimizer = "sgd", .loss = Loss("cubed", [](GraphBuilder& b, ValueRef t, ValueRef p) {
                                   ValueRef d = b.Op("Abs", {b.Op("Sub", {p, t})});
                                   return b.Op("ReduceMean",
                                               {b.Op("Mul", {d, b.Op("Square", {d})})},
                                               {{"axes", std::vector<int64_t>{-1}}});
                                 })});
  auto history = u.fit(p, Tensor::FromVector<float>({1, -1}, {2, 1}),
                       {.batch_size = 2, .epochs = 3, .verbose = 0});
  EXPECT_LT(history.history["loss"].back(), history.history["loss"].front());
  EXPECT_EQ(u.output_training()[0].loss.Saved(true), "cubed");
}

}  // namespace
}  // namespace kiln::keras::losses

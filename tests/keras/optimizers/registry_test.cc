// The optimizer registry (by Keras class name, from Keras configs) and the base class contract: an
// optimizer that writes only its slots and its update op trains through the base's loop.
#include "keras/optimizers/registry.h"

#include <gtest/gtest.h>

#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

TEST(OptimizerRegistry, FindsKerasClassNamesInAnyCase) {
  EXPECT_EQ(RegisteredOptimizerClasses(),
            (std::vector<std::string>{"Adadelta", "Adagrad", "Adam", "Adamax", "AdamW", "Ftrl",
                                      "Lion", "Nadam", "RMSprop", "SGD"}));
  EXPECT_EQ(OptimizerRef("sgd")->class_name(), "SGD");
  EXPECT_EQ(OptimizerRef("RMSprop")->class_name(), "RMSprop");
  EXPECT_EQ(OptimizerRef("ADAM")->class_name(), "Adam");
  // tf.keras 2.11+ writes its own optimizers as "Custom>Adam".
  auto adam = OptimizerFromConfig(
      {{"class_name", "Custom>Adam"}, {"config", {{"learning_rate", 0.25}, {"beta_1", 0.5}}}});
  EXPECT_EQ(adam->get_config()["learning_rate"], 0.25);
  EXPECT_EQ(adam->get_config()["beta_1"], 0.5);
  EXPECT_EQ(adam->get_config()["beta_2"], 0.999);  // Keras's default where the config has none
  EXPECT_NE(ErrorOf([] { OptimizerRef("lamb"); })
                .find("Unknown optimizer: 'lamb' (known: adadelta, adagrad, adam, adamax, adamw, "
                      "ftrl, lion, nadam, rmsprop, sgd)"),
            std::string::npos);
}

TEST(OptimizerRegistry, ReadsEveryKerasSpellingOfTheHyperParameters) {
  // Keras <= 2.2 wrote "lr"; later versions "learning_rate".
  auto sgd = OptimizerFromConfig(
      {{"class_name", "SGD"}, {"config", {{"lr", 0.125}, {"momentum", 0.5}, {"nesterov", true}}}});
  auto* s = dynamic_cast<optimizers::SGD*>(sgd.get());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->learning_rate(), 0.125);
  EXPECT_EQ(s->momentum(), 0.5);
  EXPECT_TRUE(s->nesterov());
  auto rms = OptimizerFromConfig(
      {{"class_name", "RMSprop"}, {"config", {{"learning_rate", 0.5}, {"rho", 0.75}}}});
  EXPECT_EQ(rms->get_config()["rho"], 0.75);
  EXPECT_EQ(rms->get_config()["epsilon"], 1e-7);
}

TEST(OptimizerRegistry, RefusesOptionsKilnDoesNotFollow) {
  auto refuse = [](const char* cls, nlohmann::json config) {
    return ErrorOf([&] { OptimizerFromConfig({{"class_name", cls}, {"config", config}}); });
  };
  // Settings Kiln does not follow: refused rather than ignored, so that a loaded model never
  // trains differently from its writer. Keras tests them for truth, so null and 0 mean off.
  EXPECT_EQ(refuse("SGD", {{"loss_scale_factor", 128.0}}),
            "SGD loss_scale_factor is not supported");
  EXPECT_EQ(refuse("SGD", {{"use_ema", true}, {"ema_momentum", 1.5}}),
            "SGD: ema_momentum must be in [0, 1], got 1.500000");
  EXPECT_EQ(refuse("SGD", {{"use_ema", true}, {"ema_overwrite_frequency", -2}}),
            "SGD: ema_overwrite_frequency must be a positive number of steps, got -2");
  EXPECT_EQ(refuse("SGD", {{"use_ema", true}, {"ema_overwrite_frequency", 0}}), "no error");
  EXPECT_EQ(refuse("Adam", {{"gradient_accumulation_steps", 4}}),
            "Adam gradient_accumulation_steps is not supported");
  EXPECT_EQ(
      refuse("SGD", {{"weight_decay", nullptr}, {"use_ema", false}, {"loss_scale_factor", 0}}),
      "no error");
  // Bad values name the optimizer and the option.
  EXPECT_EQ(refuse("Adam", {{"clipnorm", -1.0}}), "Adam: clipnorm must be >= 0, got -1.000000");
  EXPECT_EQ(refuse("SGD", {{"clipnorm", 1.0}, {"global_clipnorm", 1.0}}),
            "SGD: Only one of `clipnorm` and `global_clipnorm` can be set.");
  EXPECT_NE(refuse("Adam", {{"learning_rate", {{"class_name", "StepDecay"}, {"config", {}}}}})
                .find("StepDecay"),
            std::string::npos);
}

TEST(OptimizerRegistry, ReadsTheCommonOptionsAndSchedules) {
  auto adamw = OptimizerFromConfig({{"class_name", "AdamW"},
                                    {"config",
                                     {{"learning_rate",
                                       {{"class_name", "ExponentialDecay"},
                                        {"config",
                                         {{"initial_learning_rate", 0.5},
                                          {"decay_steps", 2},
                                          {"decay_rate", 0.25},
                                          {"staircase", true}}}}},
                                      {"clipvalue", 0.5}}}});
  ASSERT_NE(adamw->schedule(), nullptr);
  nlohmann::json k3 = adamw->keras_config(OptimizerGeneration::kKeras3)["config"];
  EXPECT_EQ(k3["weight_decay"], 0.004);  // AdamW's default
  EXPECT_EQ(k3["clipvalue"], 0.5);
  EXPECT_EQ(k3["learning_rate"]["class_name"], "ExponentialDecay");
  EXPECT_EQ(k3["learning_rate"]["config"]["decay_rate"], 0.25);
  // The schedule's rate at the current step: 0.5 * 0.25^floor(3 / 2) after three steps.
  EXPECT_DOUBLE_EQ(adamw->learning_rate(), 0.5);
  adamw->set_iterations(3);
  EXPECT_FLOAT_EQ(adamw->learning_rate(), 0.125f);
  EXPECT_NE(ErrorOf([&] { adamw->set_learning_rate(0.1); }).find("not settable"),
            std::string::npos);
  // Keras 2's decay, written for the newer Kerases as the schedule that computes the same.
  auto sgd = OptimizerFromConfig({{"class_name", "SGD"}, {"config", {{"decay", 0.5}}}},
                                 UpdateRules::kKeras2);
  EXPECT_EQ(sgd->decay(), 0.5);
  nlohmann::json lr = sgd->keras_config(OptimizerGeneration::kKeras3)["config"]["learning_rate"];
  EXPECT_EQ(lr["class_name"], "InverseTimeDecay");
  EXPECT_EQ(lr["config"]["decay_rate"], 0.5);
  EXPECT_EQ(sgd->keras_config(OptimizerGeneration::kKeras2)["config"]["decay"], 0.5);
}

// Heavy-ball momentum written as a new optimizer: one slot, one op; the base does the rest.
class HeavyBall : public Optimizer {
 public:
  HeavyBall() : Optimizer("HeavyBall", {.learning_rate = 0.125}, UpdateRules::kKeras3) {}
  std::string class_name() const override { return "HeavyBall"; }
  nlohmann::json get_config() const override { return {{"learning_rate", learning_rate_}}; }
  std::vector<std::string> slot_names() const override { return {"velocity"}; }
  std::vector<SavedSlot> saved_slots(OptimizerGeneration) const override {
    return {{"velocity", "velocity"}};
  }

 protected:
  // v = 0.5 v - lr g; var = var + v.
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override {
    ValueRef v = b.Op("Sub", {b.Op("Mul", {a.slots[0], Const(b, a, 0.5)}),
                              b.Op("Mul", {a.grad, a.learning_rate})});
    return {.var = b.Op("Add", {a.var, v}), .slots = {v}};
  }
};

TEST(OptimizerBase, OwnsTheLoopAndTheSlots) {
  auto opt = std::make_shared<HeavyBall>();
  Sequential model({layers::Dense(2, {.kernel_initializer = "ones", .input_dim = 1})});
  model.compile({.optimizer = OptimizerRef(opt), .loss = "mse"});
  ASSERT_EQ(opt->slots().size(), 2u);  // one per variable, named under the optimizer's scope
  EXPECT_EQ(opt->slots()[0].first, "HeavyBall/velocity/dense/kernel");
  EXPECT_EQ(opt->slots()[1].first, "HeavyBall/velocity/dense/bias");
  Tensor x = Tensor::FromVector<float>({1}, {1, 1}), y = Tensor::FromVector<float>({0, 0}, {1, 2});
  model.fit(x, y, {.batch_size = 1, .epochs = 2, .verbose = 0});
  // mse over two units with x = 1 and y = 0: each unit's kernel and bias gradient is its output
  // o = w + b. Step 1 (o = 1): v = -0.125, w = 0.875, b = -0.125. Step 2 (o = 0.75):
  // v = 0.5 * -0.125 - 0.125 * 0.75 = -0.15625, w = 0.875 - 0.15625 = 0.71875.
  EXPECT_FLOAT_EQ(model.get_weights()[0].data<float>()[0], 0.71875f);
  EXPECT_FLOAT_EQ(opt->slots()[0].second.data<float>()[0], -0.15625f);
  // The training step counts itself.
  EXPECT_EQ(opt->iterations(), 2);
  // A second compile keeps the slots and the count (and so the optimizer's state).
  model.compile({.optimizer = OptimizerRef(opt), .loss = "mse"});
  EXPECT_EQ(opt->slots().size(), 2u);
  EXPECT_FLOAT_EQ(opt->slots()[0].second.data<float>()[0], -0.15625f);
  EXPECT_EQ(opt->iterations(), 2);
  // The learning rate is a variable of the compiled step: changing it needs no recompile.
  opt->set_learning_rate(0);
  model.fit(x, y, {.batch_size = 1, .epochs = 1, .verbose = 0});
  EXPECT_FLOAT_EQ(model.get_weights()[0].data<float>()[0], 0.71875f - 0.078125f);  // 0.5 * v
  EXPECT_EQ(opt->iterations(), 3);
}

TEST(OptimizerBase, CopiesHaveTheirOwnState) {
  optimizers::SGD sgd({.learning_rate = 0.1, .momentum = 0.9});
  Sequential a({layers::Dense(1, {.input_dim = 1})}), b({layers::Dense(1, {.input_dim = 1})});
  a.compile({.optimizer = sgd, .loss = "mse"});
  b.compile({.optimizer = sgd, .loss = "mse"});
  Tensor x = Tensor::FromVector<float>({1}, {1, 1}), y = Tensor::FromVector<float>({0}, {1, 1});
  a.fit(x, y, {.batch_size = 1, .epochs = 3, .verbose = 0});
  EXPECT_EQ(a.optimizer()->iterations(), 3);
  EXPECT_EQ(b.optimizer()->iterations(), 0);
  EXPECT_EQ(sgd.iterations(), 0);
}

TEST(OptimizerConfig, EachGenerationsFormAndRules) {
  optimizers::Adam adam({.learning_rate = 0.1});
  // tf.keras 2.4-2.10 (optimizer_v2), as every tf.keras 2.x and Keras 3 read it.
  nlohmann::json v2 = adam.keras_config(OptimizerGeneration::kKeras2);
  EXPECT_EQ(v2["class_name"], "Adam");
  EXPECT_EQ(v2["config"]["name"], "Adam");
  EXPECT_EQ(v2["config"]["decay"], 0.0);
  EXPECT_EQ(v2["config"]["learning_rate"].get<double>(), double(0.1f));
  EXPECT_FALSE(v2["config"].contains("is_legacy_optimizer"));
  // tf.keras 2.11+: "is_legacy_optimizer": false selects the new optimizers; no decay (they refuse
  // it).
  nlohmann::json tfk = adam.keras_config(OptimizerGeneration::kTfKeras);
  EXPECT_EQ(tfk["config"]["is_legacy_optimizer"], false);
  EXPECT_FALSE(tfk["config"].contains("decay"));
  // Only the learning rate is a float32 variable there; beta_2 stays the Python float.
  EXPECT_EQ(tfk["config"]["learning_rate"].get<double>(), double(0.1f));
  EXPECT_EQ(tfk["config"]["beta_2"].get<double>(), 0.999);
  EXPECT_EQ(v2["config"]["beta_2"].get<double>(), double(0.999f));
  // Keras 3: its own fields and its automatic (snake case) name.
  nlohmann::json k3 = optimizers::RMSprop().keras_config(OptimizerGeneration::kKeras3);
  EXPECT_EQ(k3["config"]["name"], "rm_sprop");
  EXPECT_TRUE(k3["config"].contains("gradient_accumulation_steps"));
  EXPECT_FALSE(k3["config"].contains("is_legacy_optimizer"));
  EXPECT_FALSE(k3["config"].contains("decay"));
  // The rules come from whoever wrote the config; SGD computes the same in every Keras.
  EXPECT_EQ(OptimizerFromConfig({{"class_name", "RMSprop"}, {"config", {}}})->rules(),
            UpdateRules::kKeras3);
  auto legacy = OptimizerFromConfig({{"class_name", "RMSprop"}, {"config", {}}},
                                    RulesOf(OptimizerGeneration::kKeras2));
  EXPECT_EQ(legacy->rules(), UpdateRules::kKeras2);
  EXPECT_TRUE(legacy->follows_optimizer_v2());
  EXPECT_FALSE(optimizers::Adam().follows_optimizer_v2());
  EXPECT_TRUE(optimizers::SGD().follows_optimizer_v2());
}

// The README's example: a warmup from 0 makes the first step a no-op (weight decay scales with the
// rate too), and the second moves the weights.
TEST(Optimizers, WarmupScheduleStartsAtItsInitialRate) {
  Sequential model({layers::Dense(2, {.input_dim = 3})});
  model.compile({.optimizer = optimizers::AdamW(
                     {.learning_rate = optimizers::schedules::CosineDecay(
                          {.decay_steps = 1000, .warmup_target = 1e-3, .warmup_steps = 100}),
                      .weight_decay = 0.01,
                      .global_clipnorm = 1.0}),
                 .loss = "mse"});
  const Tensor x = Tensor::FromVector<float>({1, 2, 3, -1, 0, 2}, {2, 3});
  const Tensor y = Tensor::FromVector<float>({1, 0, 0, 1}, {2, 2});
  const std::vector<Tensor> start = model.get_weights();
  const FitOptions one_step = {.batch_size = 2, .epochs = 1, .verbose = 0, .shuffle = false};
  model.fit(x, y, one_step);
  EXPECT_TRUE(model.get_weights()[0].BitwiseEquals(start[0]));
  model.fit(x, y, one_step);
  EXPECT_FALSE(model.get_weights()[0].BitwiseEquals(start[0]));
  EXPECT_FLOAT_EQ(model.optimizer()->learning_rate(), 2e-5f);  // 1e-3 * 2 / 100
}

}  // namespace
}  // namespace kiln::keras

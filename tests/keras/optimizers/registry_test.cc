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
  EXPECT_EQ(RegisteredOptimizerClasses(), (std::vector<std::string>{"Adam", "RMSprop", "SGD"}));
  EXPECT_EQ(OptimizerRef("sgd")->class_name(), "SGD");
  EXPECT_EQ(OptimizerRef("RMSprop")->class_name(), "RMSprop");
  EXPECT_EQ(OptimizerRef("ADAM")->class_name(), "Adam");
  // tf.keras 2.11+ writes its own optimizers as "Custom>Adam".
  auto adam = OptimizerFromConfig(
      {{"class_name", "Custom>Adam"}, {"config", {{"learning_rate", 0.25}, {"beta_1", 0.5}}}});
  EXPECT_EQ(adam->get_config()["learning_rate"], 0.25);
  EXPECT_EQ(adam->get_config()["beta_1"], 0.5);
  EXPECT_EQ(adam->get_config()["beta_2"], 0.999);  // Keras's default where the config has none
  EXPECT_NE(ErrorOf([] {
              OptimizerRef("adamw");
            }).find("Unknown optimizer: 'adamw' (known: adam, rmsprop, sgd)"),
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
  EXPECT_EQ(refuse("SGD", {{"decay", 0.1}}), "SGD decay is not supported");
  EXPECT_EQ(refuse("RMSprop", {{"centered", true}}),
            "RMSprop with momentum or centered is not supported");
  EXPECT_EQ(refuse("Adam", {{"amsgrad", true}}), "Adam with amsgrad is not supported");
}

// Heavy-ball momentum written as a new optimizer: one slot, one op; the base does the rest.
class HeavyBall : public Optimizer {
 public:
  std::string class_name() const override { return "HeavyBall"; }
  nlohmann::json get_config() const override { return {{"name", "HeavyBall"}}; }
  std::vector<std::string> slot_names() const override { return {"velocity"}; }

 protected:
  void Prepare(GraphBuilder& b) override {
    lr_ = b.Scalar(0.125, kFloat32, "learning_rate");
    momentum_ = b.Scalar(0.5, kFloat32, "momentum");
  }
  int EmitUpdate(GraphBuilder& b, const UpdateArgs& a) override {
    b.OpN("ApplyMomentum", {a.var, a.slots[0], lr_, a.grad, momentum_}, {}, "update");
    return b.graph().capacity() - 1;
  }

 private:
  ValueRef lr_, momentum_;
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
  // A second compile keeps the slots (and so the optimizer's state).
  model.compile({.optimizer = OptimizerRef(opt), .loss = "mse"});
  EXPECT_EQ(opt->slots().size(), 2u);
  EXPECT_FLOAT_EQ(opt->slots()[0].second.data<float>()[0], -0.15625f);
}

}  // namespace
}  // namespace kiln::keras

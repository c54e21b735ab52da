// Custom pieces from C++, as Keras users write them: a layer of one's own with weights and a
// config, registered by class name so that its models save and load (Keras's custom_objects); a
// metric function over the graph builder, registered by name; and a training loop of one's own
// (a GAN alternating two models' train_on_batch, the discriminator frozen inside the combined
// model as Keras 2's GAN examples freeze it, in a train_step of its own that fit drives).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include "keras/keras.h"
#include "keras/layers/layer_registry.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

// y = x * scale + shift per feature, scale starting at `init`.
class ScaleShift : public Layer {
  KILN_LAYER_CLASS(ScaleShift)

 public:
  explicit ScaleShift(double init = 1.0, const std::string& name = "") : init_(init) {
    InitBase(name, {}, 0);
  }
  std::string class_name() const override { return "ScaleShift"; }
  Shape ComputeOutputShape(const Shape& in) const override { return in; }
  nlohmann::json get_config() const override {
    nlohmann::json c = Layer::get_config();
    c["init"] = init_;
    return c;
  }

 protected:
  void BuildWeights(const Shape& in) override {
    Tensor scale(kFloat32, Shape{in.dim(-1)}), shift(kFloat32, Shape{in.dim(-1)});
    std::fill(scale.data<float>(), scale.data<float>() + in.dim(-1), float(init_));
    std::fill(shift.data<float>(), shift.data<float>() + in.dim(-1), 0.f);
    AddWeight("scale", scale);
    AddWeight("shift", shift);
  }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override {
    return b.Op("Add", {b.Op("Mul", {x, ctx.weights[0]}), ctx.weights[1]});
  }

 private:
  double init_;
};

KILN_REGISTER_LAYER("ScaleShift", [](const nlohmann::json& c, std::vector<std::string>&) {
  return std::make_shared<ScaleShift>(c.value("init", 1.0), config::Name(c));
});

std::vector<float> Values(const Tensor& t) {
  const Tensor f = t.astype(kFloat32);
  return {f.data<float>(), f.data<float>() + f.num_elements()};
}

TEST(CustomObjects, ALayerOfOnesOwnTrainsSavesAndLoadsByItsClassName) {
  std::mt19937 rng(4);
  const Tensor x = testing::RandomTensor(kFloat32, {64, 3}, rng);
  Tensor y(kFloat32, Shape{64, 3});
  for (int i = 0; i < 64 * 3; ++i) y.data<float>()[i] = 2.f * x.data<float>()[i] + 0.5f;
  utils::set_random_seed(1);
  Sequential model({Input({.shape = {3}}), ScaleShift(0.5, "affine")}, "custom");
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.2}), .loss = "mse"});
  model.fit(x, y, {.batch_size = 16, .epochs = 40, .verbose = 0});
  // Gradients reached both weights: y = 2x + 0.5 is learnt.
  for (float s : Values(model.get_weights()[0])) EXPECT_NEAR(s, 2.0, 1e-2);
  for (float s : Values(model.get_weights()[1])) EXPECT_NEAR(s, 0.5, 1e-2);

  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/custom.h5";
  model.save(path);
  std::unique_ptr<Model> loaded = load_model(path);
  EXPECT_EQ(loaded->get_layer("affine")->class_name(), "ScaleShift");
  EXPECT_EQ(loaded->get_layer("affine")->get_config()["init"], 0.5);
  EXPECT_EQ(Values(loaded->predict(x)), Values(model.predict(x)));
  EXPECT_TRUE(loaded->compiled());
}

TEST(CustomObjects, AMetricFunctionRegisteredByName) {
  // The mean of the predictions: what the model outputs on average.
  metrics::Register("mean_prediction",
                    [](GraphBuilder& b, ValueRef, ValueRef y_pred) { return y_pred; });
  EXPECT_THROW(metrics::Register("accuracy", nullptr), ValueError);
  Sequential model({layers::Dense(1, {.kernel_initializer = "ones", .input_dim = 2})});
  model.compile({.loss = "mse", .metrics = {"mean_prediction", "mae"}});
  Tensor x(kFloat32, Shape{4, 2}), y(kFloat32, Shape{4, 1});
  const float xs[] = {1, 2, 3, 4, 5, 6, 7, 8};
  std::memcpy(x.data<float>(), xs, sizeof xs);
  std::fill(y.data<float>(), y.data<float>() + 4, 0.f);
  // Predictions 3, 7, 11, 15 (kernel ones, bias zero): their mean over batches of 3 and 1 is 9.
  const std::vector<double> score = model.evaluate(x, y, {.batch_size = 3, .verbose = 0});
  EXPECT_EQ(model.metrics_names(), (std::vector<std::string>{"loss", "mean_prediction", "mae"}));
  EXPECT_DOUBLE_EQ(score[1], 9.0);
  EXPECT_DOUBLE_EQ(score[2], 9.0);
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/custom_metric.h5";
  model.save(path);
  std::unique_ptr<Model> loaded = load_model(path);
  ASSERT_TRUE(loaded->compiled());
  EXPECT_DOUBLE_EQ(loaded->evaluate(x, y, {.verbose = 0})[1], 9.0);
}

// A GAN with a train_step of its own, in Keras 2's recipe: the discriminator compiled on its
// own, then frozen inside the combined model, compiled after freezing; each batch of real samples
// trains the discriminator on them and on generated ones, then the generator through the frozen
// discriminator. The Gan model itself is the generator (predict generates) and is not compiled:
// fit hands it the real samples, batch by batch.
class Gan : public Model {
 public:
  Gan(KerasTensor z, KerasTensor generated, std::shared_ptr<Model> discriminator)
      : Model({.inputs = {z}, .outputs = {generated}, .name = "gan"}),
        discriminator_(std::move(discriminator)) {
    discriminator_->compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}),
                             .loss = "binary_crossentropy",
                             .metrics = {"accuracy"}});
    discriminator_->set_trainable(false);
    combined_ = std::make_unique<Model>(
        ModelOptions{.inputs = {z}, .outputs = {LayerRef(discriminator_)(generated)}});
    combined_->compile(
        {.optimizer = optimizers::Adam({.learning_rate = 0.01}), .loss = "binary_crossentropy"});
  }

  callbacks::Logs train_step(const TrainBatch& batch) override {
    const int64_t n = batch.size;
    Tensor both(kFloat32, Shape{2 * n, 1}), labels(kFloat32, Shape{2 * n, 1});
    std::memcpy(both.data<float>(), batch.x[0].data<float>(), n * sizeof(float));
    const Tensor fake = predict_on_batch(Noise(n));
    std::memcpy(both.data<float>() + n, fake.data<float>(), n * sizeof(float));
    for (int64_t i = 0; i < 2 * n; ++i) labels.data<float>()[i] = i < n ? 1.f : 0.f;
    const std::vector<double> d = discriminator_->train_on_batch(both, labels);
    const std::vector<Tensor> frozen = discriminator_->get_weights();
    const std::vector<double> g = combined_->train_on_batch(Noise(n), labels.Slice(0, n));
    for (size_t i = 0; i < frozen.size(); ++i)  // frozen inside the combined model: bit for bit
      if (!frozen[i].BitwiseEquals(discriminator_->get_weights()[i])) ++frozen_changed;
    return {{"d_loss", d[0]}, {"d_accuracy", d[1]}, {"g_loss", g[0]}};
  }

  Tensor Noise(int64_t n) {
    Tensor t(kFloat32, Shape{n, 4});
    for (int64_t i = 0; i < n * 4; ++i) t.data<float>()[i] = noise_(rng_);
    return t;
  }
  int frozen_changed = 0;

 private:
  std::shared_ptr<Model> discriminator_;
  std::unique_ptr<Model> combined_;
  std::mt19937 rng_{9};
  std::normal_distribution<float> noise_{0.f, 1.f};
};

TEST(CustomObjects, AGanWithATrainStepOfItsOwn) {
  utils::set_random_seed(5);
  KerasTensor z = Input({.shape = {4}});
  KerasTensor hidden = layers::Dense(16, {.activation = "relu"})(z);
  KerasTensor generated = layers::Dense(1)(hidden);
  auto discriminator = std::make_shared<Sequential>(
      std::vector<LayerRef>{layers::Dense(16, {.activation = "relu", .input_dim = 1}),
                            layers::Dense(1, {.activation = "sigmoid"})});
  Gan gan(z, generated, discriminator);
  EXPECT_FALSE(gan.compiled());

  std::mt19937 rng(3);
  std::normal_distribution<float> real_dist(3.f, 0.5f);
  Tensor real(kFloat32, Shape{320, 1});
  for (int i = 0; i < 320; ++i) real.data<float>()[i] = real_dist(rng);
  auto mean = [](const Tensor& t) {
    double s = 0;
    for (float v : Values(t)) s += v;
    return s / double(t.num_elements());
  };
  const Tensor probe = gan.Noise(256);
  const double start = mean(gan.predict(probe));
  std::ostringstream out;
  History h = gan.fit(real, {}, {.batch_size = 32, .epochs = 30, .verbose = 2, .out = &out});
  EXPECT_EQ(gan.frozen_changed, 0);
  ASSERT_EQ(h.history["d_loss"].size(), 30u);
  ASSERT_EQ(h.history["g_loss"].size(), 30u);
  EXPECT_NE(out.str().find(" - d_accuracy: "), std::string::npos) << out.str();
  // The generator's samples moved from around 0 towards the real ones' 3.
  const double end = mean(gan.predict(probe));
  EXPECT_LT(std::abs(end - 3.0), 0.5 * std::abs(start - 3.0)) << start << " -> " << end;
  // What fit cannot hand over without a compiled model is refused, naming it.
  EXPECT_THROW(gan.fit(real, {}, {.verbose = 0, .validation_split = 0.1}), ValueError);
  // A model that is neither compiled nor has a train_step of its own: Keras's error.
  Sequential plain({layers::Dense(1, {.input_dim = 1})});
  EXPECT_THROW(plain.fit(real, real, {.verbose = 0}), ValueError);
  // test_on_batch: the loss of one batch, nothing trained.
  const std::vector<Tensor> before = discriminator->get_weights();
  EXPECT_EQ(discriminator->test_on_batch(real.Slice(0, 8), real.Slice(0, 8)).size(), 2u);
  EXPECT_TRUE(before[0].BitwiseEquals(discriminator->get_weights()[0]));
}

}  // namespace
}  // namespace kiln::keras

// Custom pieces from C++, as Keras users write them: a layer of one's own with weights and a
// config, registered by class name so that its models save and load (Keras's custom_objects); a
// metric function over the graph builder, registered by name; and a training loop of one's own
// (a GAN alternating two models' train_on_batch, the discriminator frozen inside the combined
// model as Keras 2's GAN examples freeze it).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

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

// Keras 2's GAN recipe: the discriminator compiled on its own, then frozen inside the combined
// model, compiled after freezing; each step trains the discriminator on real and generated
// samples, then the generator through the frozen discriminator.
TEST(CustomObjects, AGanLoopOfOnesOwnWithTrainOnBatch) {
  utils::set_random_seed(5);
  auto generator = std::make_shared<Sequential>(std::vector<LayerRef>{
      layers::Dense(16, {.activation = "relu", .input_dim = 4}), layers::Dense(1)});
  auto discriminator = std::make_shared<Sequential>(
      std::vector<LayerRef>{layers::Dense(16, {.activation = "relu", .input_dim = 1}),
                            layers::Dense(1, {.activation = "sigmoid"})});
  discriminator->compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}),
                          .loss = "binary_crossentropy",
                          .metrics = {"accuracy"}});
  discriminator->set_trainable(false);
  KerasTensor z = Input({.shape = {4}});
  Model gan({.inputs = {z}, .outputs = {LayerRef(discriminator)(LayerRef(generator)(z))}});
  gan.compile(
      {.optimizer = optimizers::Adam({.learning_rate = 0.01}), .loss = "binary_crossentropy"});

  std::mt19937 rng(9);
  std::normal_distribution<float> real_dist(3.f, 0.5f), noise(0.f, 1.f);
  auto noise_batch = [&](int n) {
    Tensor t(kFloat32, Shape{n, 4});
    for (int i = 0; i < n * 4; ++i) t.data<float>()[i] = noise(rng);
    return t;
  };
  auto mean = [](const Tensor& t) {
    double s = 0;
    for (float v : Values(t)) s += v;
    return s / double(t.num_elements());
  };
  const Tensor probe = noise_batch(256);
  const double start = mean(generator->predict(probe));
  constexpr int kBatch = 32;
  Tensor labels(kFloat32, Shape{2 * kBatch, 1}), ones(kFloat32, Shape{kBatch, 1});
  for (int i = 0; i < 2 * kBatch; ++i) labels.data<float>()[i] = i < kBatch ? 1.f : 0.f;
  std::fill(ones.data<float>(), ones.data<float>() + kBatch, 1.f);
  for (int step = 0; step < 300; ++step) {
    Tensor both(kFloat32, Shape{2 * kBatch, 1});
    for (int i = 0; i < kBatch; ++i) both.data<float>()[i] = real_dist(rng);
    const Tensor fake = generator->predict_on_batch(noise_batch(kBatch));
    std::memcpy(both.data<float>() + kBatch, fake.data<float>(), kBatch * sizeof(float));
    const std::vector<Tensor> d_before = discriminator->get_weights();
    const std::vector<double> d = discriminator->train_on_batch(both, labels);
    ASSERT_EQ(d.size(), 2u);  // loss, accuracy of this batch
    EXPECT_NE(Values(discriminator->get_weights()[0]), Values(d_before[0]));
    const std::vector<Tensor> g_before = generator->get_weights();
    const std::vector<Tensor> d_frozen = discriminator->get_weights();
    gan.train_on_batch(noise_batch(kBatch), ones);
    EXPECT_NE(Values(generator->get_weights()[0]), Values(g_before[0]));
    for (size_t i = 0; i < d_frozen.size(); ++i)  // frozen inside the GAN: bit for bit
      ASSERT_EQ(Values(discriminator->get_weights()[i]), Values(d_frozen[i])) << step;
  }
  // The generator's samples moved from around 0 towards the real ones' 3.
  const double end = mean(generator->predict(probe));
  EXPECT_LT(std::abs(end - 3.0), 0.5 * std::abs(start - 3.0)) << start << " -> " << end;
  // test_on_batch: the loss of one batch, nothing trained.
  const std::vector<Tensor> before = discriminator->get_weights();
  const std::vector<double> t = discriminator->test_on_batch(labels, labels);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(Values(discriminator->get_weights()[0]), Values(before[0]));
}

}  // namespace
}  // namespace kiln::keras

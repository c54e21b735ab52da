// Sequential end to end: optimizers against Keras's formulas, fit/evaluate/predict semantics, the
// console formats as golden strings, reproducibility and bad input.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

// Keras 2.3.1 on Dense(1) without bias from kernel 1, mse on x = 2, y = 0: gradient 8w.
double KerasSgd(double lr, double m, bool nesterov, int steps) {
  double w = 1, v = 0;
  for (int i = 0; i < steps; ++i) {
    double g = 8 * w;
    v = m * v - lr * g;
    w += nesterov ? m * v - lr * g : v;
  }
  return w;
}

// Keras 3 and tf.keras 2.11+ divide by sqrt(a + eps); Keras 2.3.1 and tf.keras's optimizer_v2 by
// sqrt(a) + eps.
double KerasRmsprop(double lr, double rho, double eps, int steps, bool keras3 = true) {
  double w = 1, a = 0;
  for (int i = 0; i < steps; ++i) {
    double g = 8 * w;
    a = rho * a + (1 - rho) * g * g;
    w -= keras3 ? lr * g / std::sqrt(a + eps) : lr * g / (std::sqrt(a) + eps);
  }
  return w;
}

double KerasAdam(double lr, double b1, double b2, double eps, int steps) {
  double w = 1, m = 0, v = 0;
  for (int t = 1; t <= steps; ++t) {
    double g = 8 * w;
    double lr_t = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    w -= lr_t * m / (std::sqrt(v) + eps);
  }
  return w;
}

// Keras 3's Adam.update_step as it runs, in float32 (keras/src/optimizers/adam.py): the beta
// powers, alpha and the moments at the variable's precision, 1 - beta from the Python float. At
// small t, 1 - beta_2^t in float32 keeps only about five digits, so this differs from the exact
// formula above by a few 1e-6.
double KerasAdamFloat32(float lr, double b1, double b2, float eps, int steps) {
  float w = 1, m = 0, v = 0;
  for (int t = 1; t <= steps; ++t) {
    const float g = 8 * w;
    const float b1_power = std::pow(static_cast<float>(b1), static_cast<float>(t));
    const float b2_power = std::pow(static_cast<float>(b2), static_cast<float>(t));
    const float alpha = lr * std::sqrt(1.f - b2_power) / (1.f - b1_power);
    m += (g - m) * static_cast<float>(1 - b1);
    v += (g * g - v) * static_cast<float>(1 - b2);
    w -= m * alpha / (std::sqrt(v) + eps);
  }
  return w;
}

double KilnTrain(OptimizerRef optimizer, int steps) {
  Sequential model(
      {layers::Dense(1, {.use_bias = false, .kernel_initializer = "ones", .input_dim = 1})});
  model.compile({.optimizer = optimizer, .loss = "mse"});
  Tensor x = Tensor::FromVector<float>({2}, {1, 1}), y = Tensor::FromVector<float>({0}, {1, 1});
  model.fit(x, y, {.batch_size = 1, .epochs = steps, .verbose = 0});
  EXPECT_EQ(model.optimizer()->iterations(), steps);
  return model.get_weights()[0].item<double>();
}

double KilnSgd(optimizers::SGDOptions o, int steps) { return KilnTrain(optimizers::SGD(o), steps); }

TEST(Optimizers, RmspropAndAdamFollowKeras) {
  EXPECT_NEAR(KilnTrain(optimizers::RMSprop({.learning_rate = 0.01}), 5),
              KerasRmsprop(0.01, 0.9, 1e-7, 5), 1e-6);
  // Where epsilon matters, each rule set is followed, and they really differ.
  EXPECT_NEAR(KilnTrain(optimizers::RMSprop({.learning_rate = 0.01, .epsilon = 1}), 5),
              KerasRmsprop(0.01, 0.9, 1, 5), 1e-6);
  EXPECT_NEAR(KilnTrain(optimizers::RMSprop(
                            {.learning_rate = 0.01, .epsilon = 1, .rules = UpdateRules::kKeras2}),
                        5),
              KerasRmsprop(0.01, 0.9, 1, 5, /*keras3=*/false), 1e-6);
  EXPECT_GT(std::abs(KerasRmsprop(0.01, 0.9, 1, 5) - KerasRmsprop(0.01, 0.9, 1, 5, false)), 1e-3);
  EXPECT_NEAR(KilnTrain(optimizers::Adam({.lr = 0.05, .beta_1 = 0.8}), 5),
              KerasAdamFloat32(0.05f, 0.8, 0.999, 1e-7f, 5), 1e-6);
  // With Keras 2's rounding (1 - beta from float32 beta, in alpha and in the moments alike) the
  // float32 errors cancel, and the exact formula holds to 1e-6.
  EXPECT_NEAR(
      KilnTrain(optimizers::Adam({.lr = 0.05, .beta_1 = 0.8, .rules = UpdateRules::kKeras2}), 5),
      KerasAdam(0.05, 0.8, 0.999, 1e-7, 5), 1e-6);
  EXPECT_NEAR(KilnTrain("adam", 3), KerasAdam(0.001, 0.9, 0.999, 1e-7, 3), 1e-6);
  // Adam's first step moves every weight by about lr, whatever the gradient's scale.
  EXPECT_NEAR(KilnTrain(optimizers::Adam({.learning_rate = 0.01}), 1), 1 - 0.01, 1e-5);
}

TEST(SGD, PlainMomentumAndNesterovFollowKeras) {
  EXPECT_NEAR(KilnSgd({.learning_rate = 0.01}, 3), KerasSgd(0.01, 0, false, 3), 1e-6);
  EXPECT_NEAR(KilnSgd({.lr = 0.01, .momentum = 0.9}, 3), KerasSgd(0.01, 0.9, false, 3), 1e-6);
  EXPECT_NEAR(KilnSgd({.lr = 0.01, .momentum = 0.9, .nesterov = true}, 3),
              KerasSgd(0.01, 0.9, true, 3), 1e-6);
  // Nesterov really differs from plain momentum here.
  EXPECT_GT(std::abs(KerasSgd(0.01, 0.9, true, 3) - KerasSgd(0.01, 0.9, false, 3)), 0.05);
  // The lr alias wins over learning_rate, as in Keras.
  EXPECT_EQ(optimizers::SGD({.learning_rate = 0.5, .lr = 0.1}).learning_rate(), 0.1);
}

Sequential SmallClassifier() {
  return Sequential({layers::Dense(8, {.activation = "relu", .input_shape = {4}}),
                     layers::Dense(3, {.activation = "softmax"})});
}

void Blobs(Tensor& x, Tensor& y, int n = 300) {
  std::mt19937 rng(4);
  std::normal_distribution<float> noise(0, 0.5f);
  x = Tensor(kFloat32, {n, 4});
  y = Tensor(kFloat32, {n, 3});
  for (int i = 0; i < n; ++i) {
    int c = i % 3;
    for (int j = 0; j < 4; ++j) x.data<float>()[i * 4 + j] = (j == c ? 2.f : 0.f) + noise(rng);
    y.data<float>()[i * 3 + c] = 1;
  }
}

TEST(Fit, LowersTheLossAndReportsHistory) {
  utils::set_random_seed(3);
  Tensor x, y;
  Blobs(x, y);
  Sequential model = SmallClassifier();
  model.compile({.optimizer = optimizers::SGD({.lr = 0.1}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  double before = model.evaluate(x, y, {.verbose = 0})[0];
  History h = model.fit(x, y, {.batch_size = 16, .epochs = 5, .verbose = 0});
  ASSERT_EQ(h.history["loss"].size(), 5u);
  EXPECT_LT(h.history["loss"].back(), h.history["loss"].front());
  EXPECT_LT(model.evaluate(x, y, {.verbose = 0})[0], before / 2);
  EXPECT_GT(h.history["accuracy"].back(), 0.9);
  EXPECT_EQ(model.metrics_names(), (std::vector<std::string>{"loss", "accuracy"}));
  EXPECT_EQ(model.predict(x).shape(), (Shape{300, 3}));
}

TEST(Fit, SmallConvNetLearns) {
  utils::set_random_seed(4);
  // Vertical against horizontal bars in 6x6 images.
  Tensor x(kFloat32, {64, 6, 6, 1}), y(kFloat32, {64, 2});
  std::mt19937 rng(2);
  for (int i = 0; i < 64; ++i) {
    const int c = i % 2, at = static_cast<int>(rng() % 6);
    for (int k = 0; k < 6; ++k) x.data<float>()[i * 36 + (c ? k * 6 + at : at * 6 + k)] = 1;
    y.data<float>()[i * 2 + c] = 1;
  }
  Sequential model(
      {layers::Conv2D(4, {3, 3},
                      {.padding = "same", .activation = "relu", .input_shape = {6, 6, 1}}),
       layers::BatchNormalization({.momentum = 0.9}), layers::MaxPooling2D(), layers::Flatten(),
       layers::Dense(2, {.activation = "softmax"})});
  model.compile({.optimizer = optimizers::SGD({.lr = 0.1}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  History h = model.fit(x, y, {.batch_size = 8, .epochs = 15, .verbose = 0});
  EXPECT_LT(h.history["loss"].back(), h.history["loss"].front() / 2);
  EXPECT_GT(model.evaluate(x, y, {.verbose = 0})[1], 0.95);
}

TEST(Fit, ValidationSplitTakesTheLastFractionBeforeShuffling) {
  utils::set_random_seed(3);
  Tensor x, y;
  Blobs(x, y, 100);
  Sequential model = SmallClassifier();
  model.compile({.optimizer = optimizers::SGD({.lr = 0.1}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"acc"}});
  std::ostringstream out;
  History h = model.fit(
      x, y, {.batch_size = 10, .epochs = 1, .verbose = 1, .validation_split = 0.25, .out = &out});
  EXPECT_NE(out.str().find("Train on 75 samples, validate on 25 samples"), std::string::npos);
  auto last = model.evaluate(x.Slice(75, 100), y.Slice(75, 100), {.verbose = 0});
  EXPECT_NEAR(h.history["val_loss"][0], last[0], 1e-6);
  EXPECT_NEAR(h.history["val_acc"][0], last[1], 1e-6);
  auto first = model.evaluate(x.Slice(0, 25), y.Slice(0, 25), {.verbose = 0});
  EXPECT_NE(h.history["val_loss"][0], first[0]);
}

TEST(Fit, SeededRunsAreBitwiseReproducible) {
  Tensor x, y;
  Blobs(x, y);
  auto run = [&](uint64_t seed) {
    utils::set_random_seed(seed);
    Sequential model = SmallClassifier();
    model.compile({.optimizer = optimizers::SGD({.lr = 0.1, .momentum = 0.5}),
                   .loss = "categorical_crossentropy"});
    model.fit(x, y, {.batch_size = 7, .epochs = 3, .verbose = 0});
    return model.get_weights();
  };
  auto a = run(11), b = run(11), c = run(12);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i].BitwiseEquals(b[i])) << i;
  EXPECT_FALSE(a[0].BitwiseEquals(c[0]));
}

TEST(Progbar, GoldenSamplesBar) {
  double now = 0;
  std::ostringstream out;
  Progbar bar(100, {.verbose = 1, .clock = [&] { return now; }}, out);
  now = 0.5;
  bar.update(32, {{"loss", 0.5}, {"accuracy", 0.25}});
  now = 0.52;  // throttled: under 0.05 s since the last update
  bar.update(64, {{"loss", 0.4}, {"accuracy", 0.5}});
  now = 2.0;
  bar.update(100, {{"loss", 0.0004}, {"accuracy", 0.75}});
  EXPECT_EQ(out.str(),
            "\n 32/100 [========>.....................] - ETA: 1s - loss: 0.5000 - accuracy: 0.2500"
            "\n100/100 [==============================] - 2s 20ms/step - loss: 4.0000e-04 - "
            "accuracy: 0.7500\n");
}

TEST(Progbar, GoldenDynamicAndVerbose2) {
  double now = 0;
  std::ostringstream out;
  Progbar bar(10, {.verbose = 1, .dynamic = true, .clock = [&] { return now; }}, out);
  now = 1;
  bar.update(5, {{"loss", 1.0}});
  now = 100;
  bar.update(10, {{"loss", 0.5}});
  const std::string first = " 5/10 [==============>...............] - ETA: 1s - loss: 1.0000";
  EXPECT_EQ(out.str(),
            "\r" + first + std::string(first.size(), '\b') + "\r" +
                "10/10 [==============================] - 100s 10s/step - loss: 0.5000\n");
  std::ostringstream out2;
  Progbar quiet(10, {.verbose = 2, .clock = [&] { return now; }}, out2);
  now = 103;
  quiet.update(5, {{"loss", 1.0}});
  quiet.update(10, {{"loss", 0.5}, {"accuracy", 0.9}});
  EXPECT_EQ(out2.str(), " - 3s - loss: 0.5000 - accuracy: 0.9000\n");
}

TEST(Fit, GoldenEpochOutputWithInjectedClock) {
  // Real numbers: w = [[1], [2]], b = 0.5, SGD(0.01), mse, no shuffling. Batch 1 of epoch 1 has
  // predictions [1.5, 2.5] for targets 1: loss 1.25; after its step, batch 2 has loss 8.9943, so
  // the epoch shows their mean, 5.1222 (numpy in float32 gives the same four digits; epoch 2:
  // 0.9587, then 4.1277).
  Sequential model({layers::Dense(1, {.input_shape = {2}})});
  model.compile({.optimizer = "sgd", .loss = "mse"});
  const std::vector<Tensor> initial = {Tensor::FromVector<float>({1, 2}, {2, 1}),
                                       Tensor::FromVector<float>({0.5f}, {1})};
  model.set_weights(initial);
  Tensor x = Tensor::FromVector<float>({1, 0, 0, 1, 1, 1, 2, 1}, {4, 2});
  Tensor y = Tensor::FromVector<float>({1, 1, 1, 1}, {4, 1});
  double now = 0;
  std::ostringstream out;
  model.fit(
      x, y,
      {.batch_size = 2, .epochs = 2, .verbose = 1, .shuffle = false, .out = &out, .clock = [&] {
         return now += 0.001;
       }});
  // Each epoch: the bar after batch 1 (clock at 0.002 s), then the final line after batch 2.
  EXPECT_EQ(out.str(),
            "Epoch 1/2\n\n2/4 [==============>...............] - ETA: 0s - loss: 1.2500"
            "\n4/4 [==============================] - 0s 500us/step - loss: 5.1222\n"
            "Epoch 2/2\n\n2/4 [==============>...............] - ETA: 0s - loss: 0.9587"
            "\n4/4 [==============================] - 0s 500us/step - loss: 4.1277\n");
  std::ostringstream steps;
  now = 0;
  model.set_weights(initial);
  model.fit(x, y,
            {.batch_size = 2,
             .epochs = 1,
             .verbose = 1,
             .shuffle = false,
             .progress = ProgressStyle::kSteps,
             .out = &steps,
             .clock = [&] { return now += 0.001; }});
  EXPECT_NE(
      steps.str().find("\n2/2 [==============================] - 0s 1ms/step - loss: 5.1222\n"),
      std::string::npos)
      << steps.str();
}

// One model, predict from two threads at once: every batch equals the single-threaded answer.
TEST(Predict, TwoThreadsOnOneModelGetTheRightNumbers) {
  utils::set_random_seed(3);
  Sequential model({layers::Dense(64, {.activation = "relu", .input_shape = {32}}),
                    layers::Dense(10, {.activation = "softmax"})});
  std::vector<Tensor> inputs, want;
  for (int i = 0; i < 20; ++i) {
    Tensor x(kFloat32, {16, 32});
    for (int64_t k = 0; k < x.num_elements(); ++k) x.data<float>()[k] = float((k * 7 + i) % 13);
    inputs.push_back(x);
    want.push_back(model.predict(x));
  }
  std::vector<int> wrong(2, 0);
  auto work = [&](int t) {
    for (int round = 0; round < 5; ++round)
      for (int i = 0; i < 20; ++i)
        if (!model.predict(inputs[(i + t * 7) % 20]).BitwiseEquals(want[(i + t * 7) % 20]))
          ++wrong[t];
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  EXPECT_EQ(wrong[0] + wrong[1], 0);
}

TEST(Summary, GoldenClassicTable) {
  backend::clear_session();
  Sequential model;
  model.add(layers::Flatten({.input_shape = {28, 28}}));
  model.add(layers::Dense(128, {.activation = "relu"}));
  model.add(layers::Dense(256, {.activation = "relu"}));
  model.add(layers::Dense(512, {.activation = "relu"}));
  model.add(layers::Dense(10, {.activation = "softmax"}));
  std::ostringstream out;
  model.summary(out);
  EXPECT_EQ(out.str(),
            "Model: \"sequential\"\n"
            "_________________________________________________________________\n"
            "Layer (type)                 Output Shape              Param #   \n"
            "=================================================================\n"
            "flatten (Flatten)            (None, 784)               0         \n"
            "_________________________________________________________________\n"
            "dense (Dense)                (None, 128)               100480    \n"
            "_________________________________________________________________\n"
            "dense_1 (Dense)              (None, 256)               33024     \n"
            "_________________________________________________________________\n"
            "dense_2 (Dense)              (None, 512)               131584    \n"
            "_________________________________________________________________\n"
            "dense_3 (Dense)              (None, 10)                5130      \n"
            "=================================================================\n"
            "Total params: 270,218\n"
            "Trainable params: 270,218\n"
            "Non-trainable params: 0\n"
            "_________________________________________________________________\n");
}

TEST(BadInput, ClearKerasLikeErrors) {
  Sequential model({layers::Dense(1, {.input_shape = {2}, .name = "d"})});
  Tensor x(kFloat32, {4, 2}), y(kFloat32, {3, 1});
  EXPECT_NE(ErrorOf([&] { model.fit(x, y); }).find("You must compile your model"),
            std::string::npos);
  model.compile({.optimizer = "sgd", .loss = "mse"});
  EXPECT_NE(ErrorOf([&] {
              model.fit(x, y, {.verbose = 0});
            }).find("Found 4 input samples and 3 target samples"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              model.fit(Tensor(kFloat32, {4, 3}), Tensor(kFloat32, {4, 1}), {.verbose = 0});
            }).find("expected d_input to have shape (2,) but got array with shape (3,)"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              model.fit(x, Tensor(kFloat32, {4, 2}), {.verbose = 0});
            }).find("expected d to have shape (1,) but got array with shape (2,)"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { model.predict(Tensor(kFloat32, {4})); }).find("expected d_input"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              layers::Dense(1, {.activation = "hard_tanh"});
            }).find("unknown activation function 'hard_tanh'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              model.compile({.loss = "hinge_loss"});
            }).find("Unknown loss function: 'hinge_loss'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              model.compile({.optimizer = "lamb", .loss = "mse"});
            }).find("Unknown optimizer: 'lamb'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              model.compile({.loss = "mse", .metrics = {"f1"}});
            }).find("Unknown metric function: 'f1'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              model.set_weights({Tensor(kFloat32, {3, 1}), Tensor(kFloat32, {1})});
            })
                .find("Layer 'd' weight 'kernel' shape (2, 1) not compatible with provided weight "
                      "shape (3, 1)"),
            std::string::npos);
  EXPECT_THROW(model.set_weights({}), ValueError);
  Sequential no_input({layers::Dense(1)});
  EXPECT_NE(ErrorOf([&] { no_input.summary(); }).find("input_shape"), std::string::npos);
  Sequential dup({layers::Dense(1, {.input_shape = {2}, .name = "a"})});
  EXPECT_THROW(dup.add(layers::Dense(1, {.name = "a"})), ValueError);
  Sequential sparse({layers::Dense(3, {.activation = "softmax", .input_shape = {2}})});
  sparse.compile({.loss = "sparse_categorical_crossentropy"});
  EXPECT_NE(ErrorOf([&] {
              sparse.fit(Tensor(kFloat32, {2, 2}), Tensor::FromVector<float>({0, 3}, {2}),
                         {.verbose = 0});
            }).find("label 3.000000 is not a class id in [0, 3)"),
            std::string::npos);
}

// Keras's weighting: each example's loss times its weight, still divided by the batch size; a
// class weight multiplies the weight of every example of that class.
TEST(Fit, SampleAndClassWeights) {
  auto make = [](double lr) {
    auto m = std::make_unique<Sequential>(
        std::vector<LayerRef>{layers::Dense(3, {.activation = "softmax", .input_dim = 2})});
    m->compile(
        {.optimizer = optimizers::SGD({.learning_rate = lr}), .loss = "categorical_crossentropy"});
    Tensor k(kFloat32, {2, 3}), b(kFloat32, {3});
    for (int i = 0; i < 6; ++i) k.data<float>()[i] = 0.1f * static_cast<float>(i) - 0.2f;
    m->set_weights({k, b});
    return m;
  };
  const Tensor x = Tensor::FromVector<float>({1, 2, -1, 0.5f, 0, -2, 1.5f, 1}, {4, 2});
  const Tensor y = Tensor::FromVector<float>({1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0}, {4, 3});
  const FitOptions plain = {.batch_size = 4, .epochs = 2, .verbose = 0, .shuffle = false};

  // evaluate: weights (2, 0, 1, 1) over per-example losses l -> (2 l0 + l2 + l3) / 4.
  auto m = make(0.1);
  Tensor per(kFloat32, {4});
  for (int i = 0; i < 4; ++i) {
    Tensor w(kFloat32, {4});
    w.data<float>()[i] = 1;
    per.data<float>()[i] = float(m->evaluate(x, y, {.verbose = 0, .sample_weight = w})[0] * 4);
  }
  const Tensor w = Tensor::FromVector<float>({2, 0, 1, 1}, {4});
  const float* l = per.data<float>();
  EXPECT_NEAR(m->evaluate(x, y, {.verbose = 0, .sample_weight = w})[0],
              (2 * l[0] + l[2] + l[3]) / 4, 1e-6);

  // Weight 2 everywhere is a doubled gradient: plain SGD at twice the rate, bit for bit.
  auto doubled = make(0.1), twice_lr = make(0.2);
  FitOptions twos = plain;
  twos.sample_weight = Tensor::FromVector<float>({2, 2, 2, 2}, {4});
  doubled->fit(x, y, twos);
  twice_lr->fit(x, y, plain);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_TRUE(doubled->get_weights()[i].BitwiseEquals(twice_lr->get_weights()[i])) << i;

  // class_weight {0: 3, 2: 0.5} is sample_weight (3, 1, 0.5, 3) for these one-hot targets, and
  // composes with a sample_weight.
  auto by_class = make(0.1), by_sample = make(0.1);
  FitOptions cw = plain;
  cw.class_weight = {{0, 3.0}, {2, 0.5}};
  cw.sample_weight = Tensor::FromVector<float>({1, 2, 1, 1}, {4});
  FitOptions sw = plain;
  sw.sample_weight = Tensor::FromVector<float>({3, 2, 0.5f, 3}, {4});
  EXPECT_EQ(by_class->fit(x, y, cw).history["loss"], by_sample->fit(x, y, sw).history["loss"]);
  EXPECT_TRUE(by_class->get_weights()[0].BitwiseEquals(by_sample->get_weights()[0]));

  // Bad weights are named.
  FitOptions short_w = plain;
  short_w.sample_weight = Tensor::FromVector<float>({1, 2, 3}, {3});
  EXPECT_NE(ErrorOf([&] { m->fit(x, y, short_w); }).find("sample_weight for output 'dense_"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { m->fit(x, y, short_w); }).find("expected 4 weights"), std::string::npos);
  FitOptions bad_class = plain;
  bad_class.class_weight = {{3, 1.0}};
  EXPECT_NE(ErrorOf([&] {
              m->fit(x, y, bad_class);
            }).find("class_weight: class 3 is not one of the output's classes (0 to 2)"),
            std::string::npos);
}

TEST(Fit, ValidationFreqValidatesEveryNthEpoch) {
  Sequential m({layers::Dense(1, {.input_dim = 2})});
  m.compile({.optimizer = "sgd", .loss = "mse"});
  const Tensor x = Tensor::FromVector<float>({1, 2, -1, 0, 0.5f, 1, 2, -2}, {4, 2});
  const Tensor y = Tensor::FromVector<float>({1, 0, 2, -1}, {4, 1});
  History h = m.fit(
      x, y,
      {.batch_size = 2, .epochs = 5, .verbose = 0, .validation_split = 0.5, .validation_freq = 2});
  EXPECT_EQ(h.history["loss"].size(), 5u);
  EXPECT_EQ(h.history["val_loss"].size(), 2u);  // after epochs 2 and 4
  EXPECT_NE(ErrorOf([&] {
              m.fit(x, y, {.verbose = 0, .validation_freq = 0});
            }).find("validation_freq must be a positive integer, got 0"),
            std::string::npos);
}

TEST(Fit, ValidationFreqAsAListOfEpochs) {
  Sequential m({layers::Dense(1, {.input_dim = 2})});
  m.compile({.optimizer = "sgd", .loss = "mse"});
  const Tensor x = Tensor::FromVector<float>({1, 2, -1, 0, 0.5f, 1, 2, -2}, {4, 2});
  const Tensor y = Tensor::FromVector<float>({1, 0, 2, -1}, {4, 1});
  std::vector<int> validated;
  auto spy = std::make_shared<callbacks::LambdaCallback>(
      callbacks::LambdaCallbackOptions{.on_epoch_end = [&](int e, callbacks::Logs& logs) {
        if (logs.count("val_loss")) validated.push_back(e);
      }});
  m.fit(x, y,
        {.batch_size = 2,
         .epochs = 5,
         .verbose = 0,
         .callbacks = {spy},
         .validation_split = 0.5,
         .validation_freq = {1, 4}});
  EXPECT_EQ(validated, (std::vector<int>{0, 3}));  // Keras's epochs 1 and 4
  EXPECT_NE(ErrorOf([&] {
              m.fit(x, y, {.verbose = 0, .validation_freq = {0, 2}});
            }).find("validation_freq lists epoch 0"),
            std::string::npos);
}

TEST(Fit, ShuffleBatchAndStepsPerEpoch) {
  Tensor x(kFloat32, Shape{32, 1}), y(kFloat32, Shape{32, 1});
  for (int i = 0; i < 32; ++i) x.data<float>()[i] = y.data<float>()[i] = float(i);
  utils::set_random_seed(2);
  Sequential m({layers::Dense(1, {.kernel_initializer = "zeros", .input_dim = 1})});
  metrics::Register("mean_of_targets",
                    [](GraphBuilder&, ValueRef y_true, ValueRef) { return y_true; });
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.0}),
             .loss = "mse",
             .metrics = {"mean_of_targets"}});
  // Each batch's mean target, from the running means the batch logs hold.
  std::vector<std::vector<double>> means;
  auto spy = std::make_shared<callbacks::LambdaCallback>(callbacks::LambdaCallbackOptions{
      .on_epoch_begin = [&](int, callbacks::Logs&) { means.emplace_back(); },
      .on_train_batch_end =
          [&](int64_t batch, callbacks::Logs& logs) {
            double before = 0;
            for (double v : means.back()) before += v;
            means.back().push_back(logs.at("mean_of_targets") * double(batch + 1) - before);
          }});
  m.fit(x, y, {.batch_size = 8, .epochs = 3, .verbose = 0, .callbacks = {spy}, .shuffle = "batch"});
  bool reordered = false;
  for (const auto& epoch : means) {
    ASSERT_EQ(epoch.size(), 4u);
    std::vector<double> sorted = epoch;
    for (double& v : sorted) v = std::round(v * 2) / 2;
    reordered = reordered || !std::is_sorted(sorted.begin(), sorted.end());
    std::sort(sorted.begin(), sorted.end());
    // Whole batches of consecutive rows: 0-7, 8-15, ... in some order.
    EXPECT_EQ(sorted, (std::vector<double>{3.5, 11.5, 19.5, 27.5}));
  }
  EXPECT_TRUE(reordered);
  EXPECT_THROW(m.fit(x, y, {.verbose = 0, .shuffle = "rows"}), ValueError);

  // steps_per_epoch 3 of 4 batches, unshuffled: the pass runs on into the next epoch, which ends
  // early when the pass is used up; the third epoch starts a new pass.
  means.clear();
  m.fit(x, y,
        {.batch_size = 8,
         .epochs = 3,
         .verbose = 0,
         .callbacks = {spy},
         .shuffle = false,
         .steps_per_epoch = 3});
  ASSERT_EQ(means.size(), 3u);
  EXPECT_EQ(means[0], (std::vector<double>{3.5, 11.5, 19.5}));
  EXPECT_EQ(means[1], (std::vector<double>{27.5}));
  EXPECT_EQ(means[2], (std::vector<double>{3.5, 11.5, 19.5}));
  EXPECT_THROW(m.fit(x, y, {.verbose = 0, .steps_per_epoch = 0}), ValueError);
}

TEST(Compile, WeightedMetricsWeighSamplesAndRoundTrip) {
  Sequential m({layers::Dense(1, {.kernel_initializer = "ones", .input_dim = 1})});
  m.compile({.loss = "mse", .metrics = {"mae"}, .weighted_metrics = {"mae", "accuracy"}});
  EXPECT_EQ(m.metrics_names(),
            (std::vector<std::string>{"loss", "mae", "weighted_mae", "accuracy"}));
  // Predictions 1, 2, 3, 4 against targets 0: errors 1..4, weights 3, 1, 0, 2.
  const Tensor x = Tensor::FromVector<float>({1, 2, 3, 4}, {4, 1});
  const Tensor y = Tensor::FromVector<float>({0, 0, 0, 0}, {4, 1});
  const Tensor w = Tensor::FromVector<float>({3, 1, 0, 2}, {4});
  const std::vector<double> s =
      m.evaluate(x, y, {.batch_size = 3, .verbose = 0, .sample_weight = w});
  EXPECT_DOUBLE_EQ(s[1], 2.5);                                    // unweighted, as Keras's metrics
  EXPECT_DOUBLE_EQ(s[2], (3 * 1 + 1 * 2 + 0 * 3 + 2 * 4) / 6.0);  // sum(w |e|) / sum(w)
  const std::string path = ::testing::TempDir() + "/weighted_metrics.h5";
  m.save(path);
  std::unique_ptr<Model> loaded = load_model(path);
  ASSERT_TRUE(loaded->compiled());
  EXPECT_EQ(loaded->metrics_names(), m.metrics_names());
  EXPECT_EQ(loaded->evaluate(x, y, {.batch_size = 3, .verbose = 0, .sample_weight = w}), s);
}

}  // namespace
}  // namespace kiln::keras

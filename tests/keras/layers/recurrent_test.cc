// SimpleRNN, LSTM, GRU, Bidirectional and Masking as layers: Keras's weight layouts and
// initial values, configs both ways (tf.keras 2 and Keras 3 keys), output shapes with
// return_sequences and return_state, gradients against finite differences through masks,
// initial states and both time directions, and the errors a user meets. (Their numbers against
// real Keras are the functional-rnn-* fixtures of functional_fixtures_test.)
#include <gtest/gtest.h>

#include "tests/keras/layers/layer_testing.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

// A (batch, steps) mask: row 0 kept, the other rows skip their first step, a middle one and the
// last.
Tensor SkippingMask(int64_t batch, int64_t steps) {
  std::vector<double> m(batch * steps);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < steps; ++t) m[b * steps + t] = b == 0 || t % 3 == 1 ? 1 : 0;
  return Tensor::FromVector<double>(m, {batch, steps});
}

TEST(Recurrent, WeightsHaveKerasLayouts) {
  layers::LSTM lstm(4, {.name = "lstm"});
  lstm.Build(Shape{kUnknownDim, 6, 3});
  ASSERT_EQ(lstm.weights().size(), 3u);
  EXPECT_EQ(lstm.weights()[0].name, "kernel");
  EXPECT_EQ(lstm.weights()[0].value.shape(), (Shape{3, 16}));
  EXPECT_EQ(lstm.weights()[1].name, "recurrent_kernel");
  EXPECT_EQ(lstm.weights()[1].value.shape(), (Shape{4, 16}));
  // unit_forget_bias: the forget block (i, f, c, o order) starts at one, the rest at zero.
  const std::vector<float> bias = lstm.weights()[2].value.ToVector<float>();
  for (int j = 0; j < 16; ++j) EXPECT_EQ(bias[j], j >= 4 && j < 8 ? 1.f : 0.f) << j;
  // Orthogonal recurrent kernel: R R^T = I for (4, 16).
  const std::vector<float> r = lstm.weights()[1].value.ToVector<float>();
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 4; ++k) {
      double dot = 0;
      for (int j = 0; j < 16; ++j) dot += r[i * 16 + j] * r[k * 16 + j];
      EXPECT_NEAR(dot, i == k ? 1 : 0, 1e-5);
    }
  layers::GRU gru(2), gru_v1(2, {.reset_after = false});
  layers::SimpleRNN rnn(5, {.use_bias = false});
  gru.Build(Shape{kUnknownDim, 4, 3});
  gru_v1.Build(Shape{kUnknownDim, 4, 3});
  rnn.Build(Shape{kUnknownDim, 4, 3});
  EXPECT_EQ(gru.weights()[2].value.shape(), (Shape{2, 6}));
  EXPECT_EQ(gru_v1.weights()[2].value.shape(), (Shape{6}));
  EXPECT_EQ(rnn.weights().size(), 2u);
  EXPECT_EQ(rnn.weights()[1].value.shape(), (Shape{5, 5}));
  EXPECT_EQ(lstm.count_params(), 3 * 16 + 4 * 16 + 16);
}

TEST(Recurrent, OutputShapes) {
  const Shape in{kUnknownDim, 7, 3};
  EXPECT_EQ(layers::LSTM(4).ComputeOutputShape(in), (Shape{kUnknownDim, 4}));
  EXPECT_EQ(layers::GRU(4, {.return_sequences = true}).ComputeOutputShape(in),
            (Shape{kUnknownDim, 7, 4}));
  const std::vector<Shape> states =
      layers::LSTM(4, {.return_state = true}).ComputeOutputShapes(std::vector<Shape>{in});
  EXPECT_EQ(states, (std::vector<Shape>{{kUnknownDim, 4}, {kUnknownDim, 4}, {kUnknownDim, 4}}));
  EXPECT_EQ(
      layers::Bidirectional(layers::LSTM(4, {.return_sequences = true})).ComputeOutputShape(in),
      (Shape{kUnknownDim, 7, 8}));
  EXPECT_EQ(layers::Bidirectional(layers::GRU(4), {.merge_mode = ""})
                .ComputeOutputShapes(std::vector<Shape>{in})
                .size(),
            2u);
}

TEST(Recurrent, GradientsMatchFiniteDifferences) {
  // Every output (sequence and states) in the objective, masked steps, both directions.
  {
    layers::LSTM l(3, {.return_sequences = true, .return_state = true});
    ExpectGradientsMatch(l, {{3, 5, 2}}, 1, -1, 1, {}, SkippingMask(3, 5));
  }
  {
    // Initial states as inputs, the last output only: masked rows keep the previous state.
    layers::LSTM l(3, {.activation = "softsign", .go_backwards = true});
    ExpectGradientsMatch(l, {{3, 5, 2}, {3, 3}, {3, 3}}, 2, -1, 1, {}, SkippingMask(3, 5));
  }
  {
    layers::GRU l(3, {.return_sequences = true, .go_backwards = true, .reset_after = false});
    ExpectGradientsMatch(l, {{3, 4, 2}}, 3, -1, 1, {}, SkippingMask(3, 4));
  }
  {
    layers::GRU l(2, {.return_state = true});
    ExpectGradientsMatch(l, {{2, 4, 3}, {2, 2}}, 4, -1, 1);
  }
  {
    layers::SimpleRNN l(3, {.activation = "selu", .use_bias = false, .return_sequences = true});
    ExpectGradientsMatch(l, {{3, 4, 2}}, 5, -1, 1, {}, SkippingMask(3, 4));
  }
  for (const char* mode : {"concat", "ave", ""}) {
    SCOPED_TRACE(mode);
    layers::Bidirectional l(layers::LSTM(2, {.return_sequences = true}), {.merge_mode = mode});
    ExpectGradientsMatch(l, {{3, 4, 2}}, 6, -1, 1, {}, SkippingMask(3, 4));
  }
}

TEST(Recurrent, ConfigsBothWays) {
  layers::LSTM lstm(8, {.recurrent_activation = "hard_sigmoid",
                        .unit_forget_bias = false,
                        .dropout = 0.25,
                        .return_sequences = true,
                        .name = "enc"});
  nlohmann::json c = lstm.get_config();
  EXPECT_EQ(c["units"], 8);
  EXPECT_EQ(c["recurrent_activation"], "hard_sigmoid");
  EXPECT_EQ(c["unit_forget_bias"], false);
  EXPECT_EQ(c["recurrent_initializer"]["class_name"], "Orthogonal");
  EXPECT_FALSE(c.contains("seed"));  // tf.keras 2's recurrent layers take none
  ExpectConfigRoundTrip(lstm);
  layers::GRU gru(4, {.go_backwards = true, .reset_after = false});
  EXPECT_EQ(gru.get_config()["reset_after"], false);
  ExpectConfigRoundTrip(gru);
  layers::SimpleRNN rnn(3, {.activation = "relu"});
  EXPECT_FALSE(rnn.get_config().contains("recurrent_activation"));
  ExpectConfigRoundTrip(rnn);
  layers::Bidirectional bi(layers::GRU(4, {.name = "g"}), {.merge_mode = "sum"});
  EXPECT_EQ(bi.forward_layer().name(), "forward_g");
  EXPECT_EQ(bi.backward_layer().name(), "backward_g");
  EXPECT_TRUE(bi.backward_layer().options().go_backwards);
  EXPECT_EQ(bi.get_config()["layer"]["config"]["name"], "g");
  ExpectConfigRoundTrip(bi);
  // tf.keras 2 writes implementation and time_major; Keras 3 zero_output_for_mask and seed.
  c["implementation"] = 2;
  c["time_major"] = false;
  c["seed"] = 7;
  EXPECT_EQ(FromConfig("LSTM", c)->get_config()["seed"], 7);
  c["time_major"] = true;
  EXPECT_TRUE(Contains(Refusal("LSTM", c), "LSTM 'enc': time_major=True"));
  c["time_major"] = false;
  c["stateful"] = true;
  EXPECT_EQ(FromConfig("LSTM", c)->get_config()["stateful"], true);
  c["stateful"] = false;
  c["activation"] = "gelu";
  EXPECT_TRUE(Contains(Refusal("LSTM", c), "LSTM 'enc': activation 'gelu'"));
  layers::Masking masking(-1.0);
  EXPECT_EQ(masking.get_config()["mask_value"], -1.0);
  ExpectConfigRoundTrip(masking);
}

TEST(Recurrent, ErrorsNameTheLayer) {
  EXPECT_TRUE(Contains(ErrorOf([] { layers::LSTM(0, {.name = "l"}); }),
                       "LSTM 'l': units must be between 1"));
  EXPECT_TRUE(
      Contains(ErrorOf([] {
                 layers::GRU(2, {.stateful = true, .name = "g"}).Build(Shape{kUnknownDim, 3, 2});
               }),
               "GRU 'g': stateful=True needs a fixed batch size"));
  EXPECT_TRUE(
      Contains(ErrorOf([] { layers::SimpleRNN(2, {.activation = "gelu"}); }), "activation 'gelu'"));
  EXPECT_TRUE(Contains(ErrorOf([] {
                         layers::LSTM(2, {.name = "l"}).Build(Shape{kUnknownDim, 3});
                       }),
                       "LSTM 'l': expected an input of rank 3 (batch, steps, features)"));
  EXPECT_TRUE(Contains(ErrorOf([] { layers::Bidirectional(layers::Dense(2), {.name = "b"}); }),
                       "Bidirectional 'b': wraps Dense"));
  // A model that ends in a masked sequence would need Keras's per-step loss masking.
  KerasTensor in = Input({.shape = {4}, .dtype = kInt32});
  KerasTensor seq =
      layers::LSTM(2, {.return_sequences = true})(layers::Embedding(5, 2, {.mask_zero = true})(in));
  Model m({.inputs = {in}, .outputs = {seq}});
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         m.compile({.loss = "mse"});
                         m.train_on_batch(Tensor::FromVector<int32_t>({1, 2, 0, 0}, {1, 4}),
                                          Tensor(kFloat32, {1, 4, 2}));
                       }),
                       "carries a mask"));
}

TEST(Recurrent, StatefulCarriesStatesAcrossBatches) {
  // A stateful LSTM -> GRU on two batches of 3 steps is the same stack, not stateful, on the 6
  // steps at once; reset_states() starts over; a batch of another size is refused.
  KerasTensor in = Input({.shape = {3, 2}, .batch_size = 2});
  KerasTensor h = layers::LSTM(3, {.return_sequences = true, .stateful = true})(in);
  Model stateful({.inputs = {in}, .outputs = {layers::GRU(2, {.stateful = true})(h)}});
  KerasTensor in6 = Input({.shape = {6, 2}});
  KerasTensor h6 = layers::LSTM(3, {.return_sequences = true})(in6);
  Model whole({.inputs = {in6}, .outputs = {layers::GRU(2)(h6)}});
  whole.set_weights(stateful.get_weights());
  std::mt19937 rng(3);
  const Tensor x6 = testing::RandomTensor(kFloat32, Shape{2, 6, 2}, rng);
  std::vector<float> a, b;
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t t = 0; t < 6; ++t)
      for (int64_t f = 0; f < 2; ++f)
        (t < 3 ? a : b).push_back(x6.data<float>()[(r * 6 + t) * 2 + f]);
  const Tensor first = Tensor::FromVector(a, Shape{2, 3, 2}),
               second = Tensor::FromVector(b, Shape{2, 3, 2});
  const Tensor y1 = stateful.predict(first);
  const Tensor y2 = stateful.predict(second);
  EXPECT_LE(testing::MaxAbsDiff(y2, whole.predict(x6)), 1e-6);
  EXPECT_GT(testing::MaxAbsDiff(y2, y1), 1e-3);
  stateful.reset_states();
  EXPECT_LE(testing::MaxAbsDiff(stateful.predict(first), y1), 1e-7);
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         stateful.predict(Tensor(kFloat32, {3, 3, 2}));
                       }),
                       "has a fixed batch size of 2"));
}

TEST(Recurrent, MaskingSkipsPaddedSteps) {
  // Masking's padded steps change nothing: the same LSTM on [a, b, 0] and on [a, b].
  KerasTensor in3 = Input({.shape = {3, 2}});
  Model padded({.inputs = {in3}, .outputs = {layers::LSTM(3)(layers::Masking()(in3))}});
  KerasTensor in2 = Input({.shape = {2, 2}});
  Model plain({.inputs = {in2}, .outputs = {layers::LSTM(3)(in2)}});
  plain.set_weights(padded.get_weights());
  const Tensor a = padded.predict(Tensor::FromVector<float>({0.5, -1, 2, 0.25, 0, 0}, {1, 3, 2}));
  const Tensor b = plain.predict(Tensor::FromVector<float>({0.5, -1, 2, 0.25}, {1, 2, 2}));
  EXPECT_LE(testing::MaxAbsDiff(a, b), 1e-6);
}

TEST(Recurrent, LstmLearnsASequenceRule) {
  // The label is whether the first step's value exceeds the last one's: order matters, so a
  // recurrent layer has to carry the first value across the steps.
  utils::set_random_seed(11);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1, 1);
  const int64_t n = 256, steps = 6;
  Tensor x(kFloat32, {n, steps, 1}), y(kFloat32, {n, 1});
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t t = 0; t < steps; ++t) x.data<float>()[i * steps + t] = u(rng);
    y.data<float>()[i] = x.data<float>()[i * steps] > x.data<float>()[i * steps + steps - 1];
  }
  for (double rate : {0.0, 0.2}) {
    SCOPED_TRACE(rate);
    // It learns with recurrent dropout too; inference stays deterministic.
    KerasTensor in = Input({.shape = {steps, 1}});
    auto lstm = std::make_shared<layers::LSTM>(8, layers::RNNOptions{.recurrent_dropout = rate});
    Model m({.inputs = {in},
             .outputs = {layers::Dense(1, {.activation = "sigmoid"})(LayerRef(lstm)(in))}});
    m.compile({.optimizer = optimizers::Adam({.learning_rate = 0.02}),
               .loss = "binary_crossentropy",
               .metrics = {"accuracy"}});
    History h = m.fit(x, y, {.batch_size = 32, .epochs = 40, .verbose = 0});
    EXPECT_GT(h.history.at("accuracy").back(), rate > 0 ? 0.85 : 0.9);
    EXPECT_EQ(lstm->states().size(), rate > 0 ? 1u : 0u);
    EXPECT_LE(testing::MaxAbsDiff(m.predict(x), m.predict(x)), 0);
    // Evaluation runs without dropout: the same loss twice.
    EXPECT_EQ(m.test_on_batch(x, y)[0], m.test_on_batch(x, y)[0]);
  }
}

}  // namespace
}  // namespace kiln::keras

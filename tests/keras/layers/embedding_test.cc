// Embedding: rows looked up by integer index (int32, int64, and floats cast as Keras casts them),
// Keras's weight shape and config both ways, the gradient adding up over repeated indices,
// out-of-range indices refused with the index named, mask_zero refused, and a text-style model
// that trains from int32 inputs. (Its real-Keras fixture is functional-embedding, checked by
// functional_fixtures_test.)
#include <gtest/gtest.h>

#include "tests/keras/layers/layer_testing.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

TEST(Embedding, LooksUpRows) {
  layers::Embedding e(4, 2, {.name = "emb"});
  EXPECT_EQ(e.ComputeOutputShape({kUnknownDim, 3}), (Shape{kUnknownDim, 3, 2}));
  e.Build(Shape{kUnknownDim, 3});
  ASSERT_EQ(e.weights().size(), 1u);
  EXPECT_EQ(e.weights()[0].name, "embeddings");
  EXPECT_EQ(e.weights()[0].value.shape(), (Shape{4, 2}));
  for (float v : e.weights()[0].value.ToVector<float>()) EXPECT_LE(std::abs(v), 0.05f);
  e.weights()[0].value = Tensor::FromVector<float>({0, 1, 10, 11, 20, 21, 30, 31}, {4, 2});
  const std::vector<float> want = {30, 31, 0, 1, 30, 31, 10, 11, 20, 21, 0, 1};
  EXPECT_EQ(Apply(e, Tensor::FromVector<int32_t>({3, 0, 3, 1, 2, 0}, {2, 3})).ToVector<float>(),
            want);
  EXPECT_EQ(Apply(e, Tensor::FromVector<int64_t>({3, 0, 3, 1, 2, 0}, {2, 3})).ToVector<float>(),
            want);
  EXPECT_EQ(Apply(e, Tensor::FromVector<float>({3, 0, 3, 1, 2, 0}, {2, 3})).ToVector<float>(),
            want);
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         Apply(e, Tensor::FromVector<int32_t>({1, 4, 0}, {1, 3}));
                       }),
                       "index 4 is outside [0, 4)"));
}

TEST(Embedding, GradientAddsUpRepeatedIndices) {
  // loss = sum(embedding(x) * w): row r's gradient is the sum of w over the steps reading r.
  utils::set_random_seed(3);
  KerasTensor in = Input({.shape = {4}, .dtype = kInt32});
  auto emb = std::make_shared<layers::Embedding>(5, 1, layers::EmbeddingOptions{});
  KerasTensor out = layers::Flatten()(LayerRef(emb)(in));
  Model m({.inputs = {in}, .outputs = {layers::Dense(1, {.use_bias = false})(out)}});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 1.0}), .loss = "mae"});
  m.layers().back()->weights()[0].value.CopyFrom(Tensor::FromVector<float>({1, 2, 3, 4}, {4, 1}));
  const Tensor before = emb->weights()[0].value.Clone();
  // One example, indices 2, 0, 2, 2; target far below, so d(mae)/d(prediction) = 1.
  m.train_on_batch(Tensor::FromVector<int32_t>({2, 0, 2, 2}, {1, 4}),
                   Tensor::FromVector<float>({-100}, {1, 1}));
  const std::vector<float> b = before.ToVector<float>(),
                           a = emb->weights()[0].value.ToVector<float>();
  EXPECT_NEAR(b[0] - a[0], 2, 1e-6);          // step 1 reads row 0
  EXPECT_NEAR(b[2] - a[2], 1 + 3 + 4, 1e-6);  // steps 0, 2, 3 read row 2
  for (int r : {1, 3, 4}) EXPECT_EQ(a[r], b[r]) << r;
}

TEST(Embedding, ConfigAndErrors) {
  layers::Embedding e(1000, 16, {.name = "tokens"});
  const nlohmann::json c = e.get_config();
  EXPECT_EQ(c["input_dim"], 1000);
  EXPECT_EQ(c["output_dim"], 16);
  EXPECT_EQ(c["embeddings_initializer"]["class_name"], "RandomUniform");
  ExpectConfigRoundTrip(e);
  nlohmann::json masked = c;
  masked["mask_zero"] = true;
  EXPECT_EQ(FromConfig("Embedding", masked)->get_config()["mask_zero"], true);  // supported now
  nlohmann::json keras2 = c;
  keras2["input_length"] = 20;  // Keras 2's config key, implied by the input's shape
  keras2["batch_input_shape"] = {nullptr, 20};
  EXPECT_EQ(FromConfig("Embedding", keras2)->get_config()["output_dim"], 16);
  EXPECT_TRUE(Contains(ErrorOf([] { layers::Embedding(0, 4, {.name = "z"}); }),
                       "Embedding 'z': input_dim and output_dim must be between 1 and"));
  EXPECT_EQ(layers::Embedding(10, 4, {.mask_zero = true}).get_config()["mask_zero"], true);
}

TEST(Embedding, ClassifierTrainsOnIntegerSequences) {
  // Label 1 when token 7 occurs anywhere in the sequence: the mean of the embeddings must learn
  // to carry it.
  utils::set_random_seed(5);
  std::mt19937 rng(5);
  const int64_t n = 256, steps = 8;
  Tensor x(kInt32, {n, steps}), y(kFloat32, {n, 1});
  for (int64_t i = 0; i < n; ++i) {
    bool has = false;
    for (int64_t t = 0; t < steps; ++t) {
      const int32_t v = static_cast<int32_t>(rng() % 10);
      x.data<int32_t>()[i * steps + t] = v;
      has |= v == 7;
    }
    y.data<float>()[i] = has;
  }
  KerasTensor in = Input({.shape = {steps}, .dtype = kInt32});
  KerasTensor h = layers::GlobalAveragePooling1D()(layers::Embedding(10, 8)(in));
  Model m({.inputs = {in}, .outputs = {layers::Dense(1, {.activation = "sigmoid"})(h)}});
  m.compile({.optimizer = optimizers::Adam({.learning_rate = 0.05}),
             .loss = "binary_crossentropy",
             .metrics = {"accuracy"}});
  History hist = m.fit(x, y, {.batch_size = 32, .epochs = 30, .verbose = 0});
  EXPECT_GT(hist.history.at("accuracy").back(), 0.9);
}

}  // namespace
}  // namespace kiln::keras

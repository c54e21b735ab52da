// applications::MobileNetV2 against Keras's: the architecture Keras documents (parameter counts
// of the ImageNet configuration), Keras's refusals, and training: a few steps lower the loss.
// applications_fixtures_test compares it with what both Kerases built and computed.
#include <gtest/gtest.h>

#include <numeric>
#include <sstream>

#include "keras/keras.h"
#include "tests/keras/applications/trainable_params.h"
#include "tests/testing/testing.h"

namespace kiln::keras::applications {
namespace {

TEST(MobileNetV2, ImageNetConfigurationHasKerasParameterCounts) {
  // keras.applications.MobileNetV2().summary(): 3,538,984 params, 3,504,872 trainable.
  Model m = MobileNetV2();
  EXPECT_EQ(m.name(), "mobilenetv2_1.00_224");
  EXPECT_EQ(m.count_params(), 3538984);
  EXPECT_EQ(TrainableParams(m), 3504872);
  EXPECT_EQ(m.layers().back()->name(), "predictions");
  // alpha 0.35 without the classifier, as keras.applications builds it for transfer learning:
  // the pooled features are the last 1x1 convolution's 1280 channels.
  Model f = MobileNetV2(
      {.input_shape = {96, 96, 3}, .alpha = 0.35, .include_top = false, .pooling = "avg"});
  EXPECT_EQ(f.output_shape(), (Shape{kUnknownDim, 1280}));
}

TEST(MobileNetV2, RefusesWhatKerasRefuses) {
  EXPECT_NE(testing::ErrorOf([] {
              MobileNetV2({.input_shape = {16, 16, 3}});
            }).find("at least 32x32"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              MobileNetV2({.input_shape = {64, 64}});
            }).find("three integers"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              MobileNetV2({.include_top = false, .pooling = "sum"});
            }).find("pooling must be"),
            std::string::npos);
}

TEST(MobileNetV2, TrainingLowersTheLoss) {
  Model m = MobileNetV2({.input_shape = {32, 32, 3}, .alpha = 0.35, .classes = 10});
  std::mt19937 rng(3);
  const Tensor x = testing::RandomTensor(kFloat32, {16, 32, 32, 3}, rng);
  std::vector<int32_t> labels(16);
  for (int i = 0; i < 16; ++i) labels[i] = i % 10;
  const Tensor y = Tensor::FromVector<int32_t>(labels, {16});
  m.compile({.optimizer = optimizers::Adam({.learning_rate = 1e-3}),
             .loss = "sparse_categorical_crossentropy"});
  const double before = m.evaluate(x, y, {.verbose = 0})[0];
  m.fit(x, y, {.batch_size = 16, .epochs = 15, .verbose = 0});
  // Training-mode batch statistics on 16 images: check the loss in training, where it falls fast.
  const History h = m.fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});
  EXPECT_LT(h.history.at("loss").back(), 0.5 * before) << "before " << before;
}

}  // namespace
}  // namespace kiln::keras::applications

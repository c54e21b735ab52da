// applications::DenseNet121/169/201 against the parameter counts Keras documents for the ImageNet
// configuration, the names Keras gives the layers, and training: a few steps lower the loss.
#include <gtest/gtest.h>

#include "keras/keras.h"
#include "tests/keras/applications/trainable_params.h"
#include "tests/testing/testing.h"

namespace kiln::keras::applications {
namespace {

TEST(DenseNet, ImageNetConfigurationsHaveKerasParameterCounts) {
  Model m = DenseNet121();
  EXPECT_EQ(m.name(), "densenet121");
  EXPECT_EQ(m.count_params(), 8062504);
  EXPECT_EQ(TrainableParams(m), 7978856);
  EXPECT_EQ(m.layers().size(), 429u);
  EXPECT_EQ(m.layers()[2]->name(), "conv1_conv");
  EXPECT_EQ(m.layers()[7]->name(), "conv2_block1_0_bn");
  EXPECT_EQ(m.layers().back()->name(), "predictions");
  EXPECT_EQ(DenseNet169().count_params(), 14307880);
  EXPECT_EQ(DenseNet201().count_params(), 20242984);
}

TEST(DenseNet, TrainingLowersTheLoss) {
  Model m = DenseNet121({.input_shape = {32, 32, 3}, .classes = 4});
  std::mt19937 rng(5);
  const Tensor x = testing::RandomTensor(kFloat32, {8, 32, 32, 3}, rng);
  const Tensor y = Tensor::FromVector<int32_t>({0, 1, 2, 3, 0, 1, 2, 3}, {8});
  m.compile({.optimizer = optimizers::Adam({.learning_rate = 1e-3}),
             .loss = "sparse_categorical_crossentropy"});
  const History first = m.fit(x, y, {.batch_size = 8, .epochs = 1, .verbose = 0});
  const History later = m.fit(x, y, {.batch_size = 8, .epochs = 8, .verbose = 0});
  EXPECT_LT(later.history.at("loss").back(), 0.5 * first.history.at("loss").back());
}

}  // namespace
}  // namespace kiln::keras::applications

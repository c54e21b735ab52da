// applications::EfficientNetB0..B7 against the parameter counts Keras documents for the ImageNet
// configurations, the names Keras gives the layers, and training with the drop-connect Dropout.
#include <gtest/gtest.h>

#include "keras/keras.h"
#include "tests/keras/applications/trainable_params.h"
#include "tests/testing/testing.h"

namespace kiln::keras::applications {
namespace {

TEST(EfficientNet, ImageNetConfigurationsHaveKerasParameterCounts) {
  Model m = EfficientNetB0();
  EXPECT_EQ(m.name(), "efficientnetb0");
  EXPECT_EQ(m.count_params(), 5330571);  // Normalization's mean, variance and count included
  EXPECT_EQ(TrainableParams(m), 5288548);
  EXPECT_EQ(m.layers()[1]->class_name(), "Rescaling");
  EXPECT_EQ(m.layers()[2]->class_name(), "Normalization");
  EXPECT_EQ(m.layers()[3]->name(), "stem_conv_pad");
  EXPECT_EQ(m.layers().back()->name(), "predictions");
  EXPECT_EQ(m.input_shape(), (Shape{kUnknownDim, 224, 224, 3}));
  EXPECT_EQ(EfficientNetB3({.include_top = false}).input_shape(),
            (Shape{kUnknownDim, 300, 300, 3}));
  EXPECT_EQ(EfficientNetB7().count_params(), 66658687);
}

TEST(EfficientNet, TrainingLowersTheLoss) {
  Model m = EfficientNetB0({.input_shape = {32, 32, 3}, .classes = 4});
  std::mt19937 rng(9);
  Tensor x = testing::RandomTensor(kFloat32, {8, 32, 32, 3}, rng);
  for (int64_t i = 0; i < x.num_elements(); ++i)
    x.data<float>()[i] = 127.5f * (x.data<float>()[i] + 1);
  const Tensor y = Tensor::FromVector<int32_t>({0, 1, 2, 3, 0, 1, 2, 3}, {8});
  m.compile({.optimizer = optimizers::Adam({.learning_rate = 1e-3}),
             .loss = "sparse_categorical_crossentropy"});
  const History first = m.fit(x, y, {.batch_size = 8, .epochs = 1, .verbose = 0});
  const History later = m.fit(x, y, {.batch_size = 8, .epochs = 15, .verbose = 0});
  EXPECT_LT(later.history.at("loss").back(), 0.5 * first.history.at("loss").back());
}

}  // namespace
}  // namespace kiln::keras::applications

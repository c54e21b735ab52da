// applications::ResNet50/101/152 against the parameter counts Keras documents for the ImageNet
// configuration, the names Keras gives the layers, and Keras's refusals.
#include <gtest/gtest.h>

#include "keras/keras.h"
#include "tests/keras/applications/trainable_params.h"
#include "tests/testing/testing.h"

namespace kiln::keras::applications {
namespace {

TEST(ResNet, ImageNetConfigurationsHaveKerasParameterCounts) {
  Model m = ResNet50();
  EXPECT_EQ(m.name(), "resnet50");
  EXPECT_EQ(m.count_params(), 25636712);
  EXPECT_EQ(TrainableParams(m), 25583592);
  EXPECT_EQ(m.layers().size(), 177u);  // the input layer included, as model.layers lists it
  EXPECT_EQ(m.layers()[1]->name(), "conv1_pad");
  EXPECT_EQ(m.layers()[7]->name(), "conv2_block1_1_conv");
  EXPECT_EQ(m.layers().back()->name(), "predictions");
  EXPECT_EQ(ResNet101().count_params(), 44707176);
  EXPECT_EQ(ResNet152().count_params(), 60419944);
}

TEST(ResNet, FeatureExtractorPoolsTheLastStage) {
  Model f = ResNet50({.include_top = false, .input_shape = {64, 64, 3}, .pooling = "max"});
  EXPECT_EQ(f.layers().back()->name(), "max_pool");
  EXPECT_EQ(f.output_shape(), (Shape{kUnknownDim, 2048}));
  Model g = ResNet50({.include_top = false, .input_shape = {64, 64, 3}});
  EXPECT_EQ(g.layers().back()->name(), "conv5_block3_out");
  EXPECT_EQ(g.output_shape(), (Shape{kUnknownDim, 2, 2, 2048}));
}

TEST(ResNet, RefusesWhatKerasRefuses) {
  EXPECT_NE(testing::ErrorOf([] {
              ResNet50({.input_shape = {31, 64, 3}});
            }).find("ResNet50: Input size must be at least 32x32"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              ResNet101({.include_top = false, .pooling = "mean"});
            }).find("pooling must be"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::keras::applications

// applications::VGG16/VGG19 against the parameter counts Keras documents for the ImageNet
// configuration and the layer names of Keras's, with the classifier sized by the input.
#include <gtest/gtest.h>

#include "keras/keras.h"
#include "tests/keras/applications/trainable_params.h"

namespace kiln::keras::applications {
namespace {

TEST(VGG, ImageNetConfigurationHasKerasParameterCounts) {
  Model m = VGG16();
  EXPECT_EQ(m.name(), "vgg16");
  EXPECT_EQ(m.count_params(), 138357544);
  EXPECT_EQ(TrainableParams(m), 138357544);
  EXPECT_EQ(m.layers()[1]->name(), "block1_conv1");
  EXPECT_EQ(m.layers()[19]->name(), "flatten");
  EXPECT_EQ(m.layers().back()->name(), "predictions");
}

TEST(VGG, TheClassifierFollowsTheInputSize) {
  // 32x32 leaves 1x1x512 after five pools: fc1 has 512*4096 + 4096 weights.
  Model m = VGG19({.input_shape = {32, 32, 3}, .classes = 10});
  EXPECT_EQ(m.count_params(), 20024384 + 512 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 10 + 10);
  EXPECT_EQ(m.layers().size(), 26u);
  Model f = VGG16({.include_top = false, .input_shape = {48, 48, 3}, .pooling = "avg"});
  EXPECT_EQ(f.output_shape(), (Shape{kUnknownDim, 512}));
  EXPECT_EQ(f.count_params(), 14714688);
}

}  // namespace
}  // namespace kiln::keras::applications

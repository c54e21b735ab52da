// The U-Net example's data and model: the generated masks follow the rule (discs only, squares
// as bright), and training segments the discs far better than brightness can.
#include "examples/segmentation.h"

#include <gtest/gtest.h>

namespace kiln::examples {
namespace {

TEST(Segmentation, DataFollowsTheRule) {
  const Shapes d = MakeShapes(64, 7);
  EXPECT_EQ(d.images.shape(), (Shape{64, 32, 32, 1}));
  int64_t disc = 0, bright = 0;
  for (int64_t i = 0; i < d.masks.num_elements(); ++i) {
    const float m = d.masks.data<float>()[i], v = d.images.data<float>()[i];
    if (m == 1) EXPECT_GE(v, 0.7f);  // every disc pixel is bright
    disc += m == 1;
    bright += v >= 0.7f;
  }
  EXPECT_GT(disc, 0);
  EXPECT_GT(bright, disc * 5 / 4);  // squares make bright pixels that are not discs
  EXPECT_LT(BrightPixelIoU(d), 0.8);
  // Seeded: the same images again.
  EXPECT_TRUE(MakeShapes(64, 7).images.BitwiseEquals(d.images));
}

// The example's run at seed 1 on half its data and two thirds of its epochs (0.85 here; its
// default, 1024 images for 30 epochs, reaches 0.90). Not every seed gets there in that budget:
// from seed 3 training sits at "every bright pixel" (0.70 after 30 epochs).
TEST(Segmentation, UNetLearnsTheDiscs) {
  keras::utils::set_random_seed(1);
  const Shapes train = MakeShapes(512, 1), test = MakeShapes(256, 1000);
  keras::Model net = UNet();
  EXPECT_EQ(net.layers().back()->name(), "mask");
  net.compile({.optimizer = keras::optimizers::Adam({.learning_rate = 0.003}),
               .loss = "binary_crossentropy"});
  net.fit(train.images, train.masks, {.batch_size = 32, .epochs = 20, .verbose = 0});
  const double iou = DiscIoU(net.predict(test.images), test.masks);
  EXPECT_GT(iou, BrightPixelIoU(test) + 0.1) << "IoU " << iou;
  EXPECT_GT(iou, 0.8);
}

}  // namespace
}  // namespace kiln::examples

// A U-Net segmenting discs among squares in generated images (examples/segmentation.h has the
// rule): Conv2D and MaxPooling2D down, Conv2DTranspose up, skips joined with Concatenate,
// trained with Adam on binary crossentropy; prints Keras's progress bar, then the disc IoU on
// held-out images against the "every bright pixel" baseline, and saves the model for Keras.
//
//   bazel run -c opt //examples:unet_segmentation [-- --epochs 30 --output /tmp/unet.h5]
#include <CLI/CLI.hpp>
#include <cstdio>

#include "examples/segmentation.h"
#include "io/user_path.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  CLI::App app{"Segment discs among squares with a U-Net"};
  int epochs = 30, verbose = 1;
  int64_t train_size = 1024;
  uint32_t seed = 1;
  double learning_rate = 0.003;
  std::string output;
  app.add_option("--epochs", epochs, "training epochs");
  app.add_option("--train-size", train_size, "generated training images");
  app.add_option("--verbose", verbose, "fit's verbosity (0, 1, 2)");
  app.add_option("--seed", seed, "the weights' and the training images' seed");
  app.add_option("--learning-rate", learning_rate, "Adam's learning rate");
  app.add_option("--output", output, "where to save the trained model (.h5), if given")
      ->transform(kiln::UserPath);
  CLI11_PARSE(app, argc, argv);
  utils::set_random_seed(seed);
  const kiln::examples::Shapes train = kiln::examples::MakeShapes(train_size, seed);
  const kiln::examples::Shapes test = kiln::examples::MakeShapes(256, 1000);
  Model net = kiln::examples::UNet();
  net.compile({.optimizer = optimizers::Adam({.learning_rate = learning_rate}),
               .loss = "binary_crossentropy",
               .metrics = {"accuracy"}});
  net.fit(train.images, train.masks, {.batch_size = 32, .epochs = epochs, .verbose = verbose});
  const double iou = kiln::examples::DiscIoU(net.predict(test.images), test.masks);
  std::printf("disc IoU on 256 held-out images: %.4f (every bright pixel: %.4f)\n", iou,
              kiln::examples::BrightPixelIoU(test));
  if (!output.empty()) net.save(output);
  return 0;
}

// A generated segmentation task and a small U-Net for it (examples/unet_segmentation.cc).
//
//   Shapes data = MakeShapes(800, /*seed=*/1);      // images (n, 32, 32, 1), masks (n, 32, 32, 1)
//   Model net = UNet();                               // Conv2D / MaxPooling2D down,
//   Conv2DTranspose
//                                                     // up, skips joined with Concatenate
//
// The rule: each 32x32 image has two to four bright shapes on a noisy background, discs and
// axis-aligned squares of about the same size and brightness; the mask is 1 on the discs' pixels
// only. Brightness alone cannot tell a disc from a square (BrightPixelIoU measures that
// baseline); the corners can.
#pragma once

#include <cstdint>

#include "keras/keras.h"

namespace kiln::examples {

struct Shapes {
  Tensor images, masks;
};

Shapes MakeShapes(int64_t n, uint32_t seed);

// Intersection over union of the disc class: predictions above 0.5 against masks.
double DiscIoU(const Tensor& predicted, const Tensor& masks);
// The same for "every bright pixel is a disc" (pixels above 0.5), which cannot tell squares
// from discs.
double BrightPixelIoU(const Shapes& data);

// Input (32, 32, 1) -> two Conv2D + MaxPooling2D stages -> a bottleneck -> two Conv2DTranspose
// upsamplings, each concatenated with the stage of its size -> Conv2D(1, sigmoid).
keras::Model UNet();

}  // namespace kiln::examples

#include "examples/segmentation.h"

#include <random>

namespace kiln::examples {

using namespace kiln::keras;

Shapes MakeShapes(int64_t n, uint32_t seed) {
  constexpr int kSize = 32;
  Shapes d{Tensor(kFloat32, {n, kSize, kSize, 1}), Tensor(kFloat32, {n, kSize, kSize, 1})};
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  for (int64_t i = 0; i < n; ++i) {
    float* img = d.images.data<float>() + i * kSize * kSize;
    float* mask = d.masks.data<float>() + i * kSize * kSize;
    for (int p = 0; p < kSize * kSize; ++p) img[p] = 0.3f * u(rng);
    const int shapes = 2 + static_cast<int>(rng() % 3);
    for (int s = 0; s < shapes; ++s) {
      const bool disc = s == 0 || rng() % 2;  // at least one disc per image
      const float r = 3 + 3 * u(rng), cy = r + (kSize - 2 * r) * u(rng),
                  cx = r + (kSize - 2 * r) * u(rng), level = 0.7f + 0.3f * u(rng);
      for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x) {
          const float dy = y + 0.5f - cy, dx = x + 0.5f - cx;
          const bool inside = disc ? dy * dy + dx * dx <= r * r
                                   : std::abs(dy) <= r * 0.89f && std::abs(dx) <= r * 0.89f;
          if (!inside) continue;
          img[y * kSize + x] = level;
          mask[y * kSize + x] = disc ? 1.f : 0.f;
        }
    }
  }
  return d;
}

namespace {
double IoU(const float* predicted, const float* masks, int64_t count) {
  int64_t inter = 0, uni = 0;
  for (int64_t i = 0; i < count; ++i) {
    const bool p = predicted[i] > 0.5f, t = masks[i] > 0.5f;
    inter += p && t;
    uni += p || t;
  }
  return uni ? double(inter) / double(uni) : 1.0;
}
}  // namespace

double DiscIoU(const Tensor& predicted, const Tensor& masks) {
  return IoU(predicted.data<float>(), masks.data<float>(), masks.num_elements());
}

double BrightPixelIoU(const Shapes& data) {
  return IoU(data.images.data<float>(), data.masks.data<float>(), data.masks.num_elements());
}

Model UNet() {
  auto conv = [](int64_t filters, const std::string& name) {
    return layers::Conv2D(filters, {3, 3}, {.padding = "same", .activation = "relu", .name = name});
  };
  KerasTensor in = Input({.shape = {32, 32, 1}, .name = "image"});
  KerasTensor c1 = conv(8, "down1")(in);                                 // 32x32x8
  KerasTensor c2 = conv(16, "down2")(layers::MaxPooling2D()(c1));        // 16x16x16
  KerasTensor mid = conv(32, "bottleneck")(layers::MaxPooling2D()(c2));  // 8x8x32
  KerasTensor u2 = layers::Conv2DTranspose(
      16, {3, 3}, {.strides = {2, 2}, .padding = "same", .name = "up2"})(mid);  // 16x16x16
  KerasTensor m2 = conv(16, "merge2")(layers::Concatenate()({u2, c2}));
  KerasTensor u1 = layers::Conv2DTranspose(
      8, {3, 3}, {.strides = {2, 2}, .padding = "same", .name = "up1"})(m2);  // 32x32x8
  KerasTensor m1 = conv(8, "merge1")(layers::Concatenate()({u1, c1}));
  KerasTensor out = layers::Conv2D(1, {1, 1}, {.activation = "sigmoid", .name = "mask"})(m1);
  return Model({.inputs = {in}, .outputs = {out}, .name = "unet"});
}

}  // namespace kiln::examples

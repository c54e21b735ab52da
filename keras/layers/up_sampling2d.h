// UpSampling2D: repeats (nearest) or bilinearly blends (bilinear) the rows and columns of each
// image, size[0] times taller and size[1] times wider (Keras's UpSampling2D).
//
//   layers::UpSampling2D()                                              // 2x, nearest
//   layers::UpSampling2D(3)                                             // 3x
//   layers::UpSampling2D({.size = {2, 3}, .interpolation = "bilinear"})
//
// Bilinear is tf.image.resize's and jax.image.resize's half-pixel resize, as Keras's; 2x on the
// row (a, b) gives (a, 0.75a + 0.25b, 0.25a + 0.75b, b). The input's height and width must be
// known when the layer is called.
#pragma once

#include "keras/layers/int_or_pair.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct UpSampling2DOptions {
  IntOrPair size = 2;  // (rows, columns)
  std::string data_format = "channels_last";
  std::string interpolation = "nearest";  // or "bilinear"
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class UpSampling2D : public Layer {
  KILN_LAYER_CLASS(UpSampling2D)

 public:
  // Throws kiln::ValueError naming the layer unless size is two positive integers, data_format
  // and interpolation are known.
  explicit UpSampling2D(UpSampling2DOptions options = {});
  // UpSampling2D(3): Keras's size as the first argument.
  explicit UpSampling2D(int64_t size, UpSampling2DOptions options = {});
  std::string class_name() const override { return "UpSampling2D"; }
  // Throws kiln::ShapeError naming the layer unless the input has rank 4.
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 private:
  bool channels_first() const { return o_.data_format == "channels_first"; }
  UpSampling2DOptions o_;
};

}  // namespace kiln::keras::layers

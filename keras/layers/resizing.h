// Resizing: resizes each image to (height, width) (Keras's Resizing preprocessing layer), with
// bilinear (the default) or nearest interpolation, optionally center-cropping to the target's
// aspect ratio first so that nothing is distorted.
//
//   layers::Resizing(224, 224)
//   layers::Resizing(64, 32, {.interpolation = "nearest", .crop_to_aspect_ratio = true})
//
// Numbers follow Keras 3 with antialias off, its default: tf.image.resize's and
// jax.image.resize's half-pixel sampling, the same formula for shrinking and growing. The input's
// height and width must be known when the layer is called. pad_to_aspect_ratio and antialias
// are refused.
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ResizingOptions {
  std::string interpolation = "bilinear";  // or "nearest"
  bool crop_to_aspect_ratio = false;
  std::string data_format = "channels_last";
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Resizing : public Layer {
  KILN_LAYER_CLASS(Resizing)

 public:
  // Throws kiln::ValueError naming the layer unless height and width are positive and
  // interpolation and data_format are known.
  Resizing(int64_t height, int64_t width, ResizingOptions options = {});
  std::string class_name() const override { return "Resizing"; }
  // Throws kiln::ShapeError naming the layer unless the input has rank 4.
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  // tf.keras's keys (height, width, interpolation, crop_to_aspect_ratio), which both Keras
  // versions load; data_format only when channels_first, which tf.keras's Resizing lacks.
  nlohmann::json get_config() const override;

 private:
  bool channels_first() const { return o_.data_format == "channels_first"; }
  int64_t height_, width_;
  ResizingOptions o_;
};

}  // namespace kiln::keras::layers

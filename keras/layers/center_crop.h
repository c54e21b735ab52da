// CenterCrop: the central (height, width) window of each image (Keras's CenterCrop
// preprocessing layer).
//
//   layers::CenterCrop(224, 224)
//   layers::CenterCrop(8, 8, {.data_format = "channels_first"})
//
// An image at least as large as the target on both axes is cropped, starting at
// ((in_h - height) / 2, (in_w - width) / 2) rounded down. A smaller one is resized as Keras does
// (image_utils.smart_resize): the largest centered window of the target's aspect ratio, resized
// bilinearly to the target. The input's height and width must be known.
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct CenterCropOptions {
  std::string data_format = "channels_last";
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class CenterCrop : public Layer {
  KILN_LAYER_CLASS(CenterCrop)

 public:
  // Throws kiln::ValueError naming the layer unless height and width are positive and
  // data_format is known.
  CenterCrop(int64_t height, int64_t width, CenterCropOptions options = {});
  std::string class_name() const override { return "CenterCrop"; }
  // Throws kiln::ShapeError naming the layer unless the input has rank 4.
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  // height and width, which both Keras versions load; data_format only when channels_first,
  // which tf.keras's CenterCrop lacks.
  nlohmann::json get_config() const override;

 private:
  bool channels_first() const { return o_.data_format == "channels_first"; }
  int64_t height_, width_;
  CenterCropOptions o_;
};

}  // namespace kiln::keras::layers

// SpatialDropout2D: Dropout of whole feature maps. Adjacent pixels of one channel are strongly
// correlated, so per-pixel dropout barely regularizes a convolution; one mask value per (sample,
// channel) does. The identity at inference.
//
//   x = layers::SpatialDropout2D(0.2)(x);   // x: (batch, rows, cols, channels)
//
// Contract: a rank-4 input; data_format "channels_last" (default) or "channels_first".
#pragma once

#include "keras/layers/dropout.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct SpatialDropout2DOptions {
  std::string data_format = "channels_last";
  std::optional<uint64_t> seed = std::nullopt;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class SpatialDropout2D : public Dropout {
  KILN_LAYER_CLASS(SpatialDropout2D)

 public:
  explicit SpatialDropout2D(double rate, SpatialDropout2DOptions options = {});
  std::string class_name() const override { return "SpatialDropout2D"; }
  nlohmann::json get_config() const override;

 protected:
  std::vector<int64_t> NoiseShape(const Shape& input_shape) const override;

 private:
  bool channels_first_;
};

}  // namespace kiln::keras::layers

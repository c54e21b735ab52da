// GlobalAveragePooling2D and GlobalMaxPooling2D: the mean or max over the spatial axes, as Keras's
// (channels_last: (batch, h, w, c) -> (batch, c); channels_first: (batch, c, h, w) -> (batch, c);
// keepdims keeps the pooled axes as size 1).
//
//   KerasTensor v = layers::GlobalAveragePooling2D()(features);          // (None, 512)
//   KerasTensor s = layers::GlobalMaxPooling2D({.keepdims = true})(x);   // (None, 1, 1, 64)
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

struct GlobalPooling2DOptions {
  std::string data_format = "channels_last";
  bool keepdims = false;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

// What the two share; `op` is the reduction ("ReduceMean" or "ReduceMax").
class GlobalPooling2D : public Layer {
 public:
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  // Throws kiln::ValueError on an unknown data_format.
  GlobalPooling2D(const char* op, const GlobalPooling2DOptions& options);

 private:
  std::vector<int64_t> Axes() const;
  const char* op_;
  bool channels_first_, keepdims_;
};

class GlobalAveragePooling2D : public GlobalPooling2D {
  KILN_LAYER_CLASS(GlobalAveragePooling2D)

 public:
  explicit GlobalAveragePooling2D(GlobalPooling2DOptions options = {})
      : GlobalPooling2D("ReduceMean", options) {
    InitBase(options.name, options.input_shape, 0);  // here: the name comes from class_name()
  }
  std::string class_name() const override { return "GlobalAveragePooling2D"; }
};

class GlobalMaxPooling2D : public GlobalPooling2D {
  KILN_LAYER_CLASS(GlobalMaxPooling2D)

 public:
  explicit GlobalMaxPooling2D(GlobalPooling2DOptions options = {})
      : GlobalPooling2D("ReduceMax", options) {
    InitBase(options.name, options.input_shape, 0);
  }
  std::string class_name() const override { return "GlobalMaxPooling2D"; }
};

}  // namespace kiln::keras::layers

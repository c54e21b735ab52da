// What the global poolings share (GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D): the mean or
// max over every spatial axis, as Keras's. channels_last (batch, *spatial, c) and channels_first
// (batch, c, *spatial) both give (batch, c); keepdims keeps the pooled axes as size 1.
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct GlobalPoolingOptions {
  std::string data_format = "channels_last";
  bool keepdims = false;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class GlobalPooling : public Layer {
 public:
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  // `op` is the reduction ("ReduceMean" or "ReduceMax") over `spatial_rank` axes. Throws
  // kiln::ValueError on an unknown data_format.
  GlobalPooling(const char* op, int spatial_rank, const GlobalPoolingOptions& options);

 private:
  std::vector<int64_t> Axes() const;
  const char* op_;
  int spatial_rank_;
  bool channels_first_, keepdims_;
};

}  // namespace kiln::keras::layers

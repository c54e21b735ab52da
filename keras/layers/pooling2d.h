// What MaxPooling2D and AveragePooling2D share: a pool_size window moving by strides (default
// pool_size), "valid" or "same" padding, either data format. The average over a "same" window
// at the border counts only the pixels inside the image, as Keras's does.
//
//   layers::MaxPooling2D(2)
//   layers::AveragePooling2D({.pool_size = 3, .strides = {2, 2}, .padding = "same"})
#pragma once

#include "keras/layers/int_or_pair.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct Pooling2DOptions {
  IntOrPair pool_size = 2;
  IntOrPair strides = {};  // default: pool_size
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Pooling2D : public Layer {
 public:
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  // `op` is the graph op ("MaxPool2D", "AvgPool2D").
  Pooling2D(const char* op, Pooling2DOptions options) : op_(op), o_(std::move(options)) {}
  // The same with Keras's positional pool_size in place of options.pool_size.
  Pooling2D(const char* op, int64_t pool_size, Pooling2DOptions options)
      : op_(op), o_(std::move(options)) {
    o_.pool_size = pool_size;
  }
  // Names the layer and checks the options, from the subclass's constructor (class_name() is
  // not callable before). Throws kiln::ValueError naming the layer on invalid options.
  void Init();

 private:
  const char* op_;
  Pooling2DOptions o_;
};

// A pooling layer's from_config factory, for KILN_REGISTER_LAYER.
template <typename L>
std::shared_ptr<Layer> Pooling2DFromConfig(const nlohmann::json& c,
                                           std::vector<std::string>& unsupported);

}  // namespace kiln::keras::layers

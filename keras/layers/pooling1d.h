// What MaxPooling1D and AveragePooling1D share: a pool_size window over the steps of a sequence,
// moving by strides (default pool_size), "valid" or "same" padding, either data format. They run
// as the 2D poolings on a one-row image, so the border average of "same" counts only the steps
// inside, as Keras's does.
//
//   layers::MaxPooling1D(2)
//   layers::AveragePooling1D(3, {.strides = 1, .padding = "same"})
#pragma once

#include <optional>

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct Pooling1DOptions {
  int64_t pool_size = 2;
  std::optional<int64_t> strides = std::nullopt;  // default: pool_size
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Pooling1D : public Layer {
 public:
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  // `op` is the 2D graph op ("MaxPool2D", "AvgPool2D").
  Pooling1D(const char* op, Pooling1DOptions options) : op_(op), o_(std::move(options)) {}
  // The same with Keras's positional pool_size in place of options.pool_size.
  Pooling1D(const char* op, int64_t pool_size, Pooling1DOptions options)
      : op_(op), o_(std::move(options)) {
    o_.pool_size = pool_size;
  }
  // Names the layer and checks the options, from the subclass's constructor (class_name() is
  // not callable before). Throws kiln::ValueError naming the layer on invalid options.
  void Init();

 private:
  bool channels_first() const { return o_.data_format == "channels_first"; }
  const char* op_;
  Pooling1DOptions o_;
};

class MaxPooling1D : public Pooling1D {
  KILN_LAYER_CLASS(MaxPooling1D)

 public:
  explicit MaxPooling1D(Pooling1DOptions options = {})
      : Pooling1D("MaxPool2D", std::move(options)) {
    Init();
  }
  // MaxPooling1D(2): Keras's pool_size as the first argument.
  explicit MaxPooling1D(int64_t pool_size, Pooling1DOptions options = {})
      : Pooling1D("MaxPool2D", pool_size, std::move(options)) {
    Init();
  }
  std::string class_name() const override { return "MaxPooling1D"; }
};

class AveragePooling1D : public Pooling1D {
  KILN_LAYER_CLASS(AveragePooling1D)

 public:
  explicit AveragePooling1D(Pooling1DOptions options = {})
      : Pooling1D("AvgPool2D", std::move(options)) {
    Init();
  }
  // AveragePooling1D(2): Keras's pool_size as the first argument.
  explicit AveragePooling1D(int64_t pool_size, Pooling1DOptions options = {})
      : Pooling1D("AvgPool2D", pool_size, std::move(options)) {
    Init();
  }
  std::string class_name() const override { return "AveragePooling1D"; }
};

}  // namespace kiln::keras::layers

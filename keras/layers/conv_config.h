// The config keys every Keras convolution shares (Conv1D, Conv2D, Conv2DTranspose): activation,
// padding, data_format, use_bias, kernel and bias initializers, regularizers and constraints,
// input_shape and name. Each layer reads and writes its own window options (kernel_size, strides,
// dilation_rate, groups, output_padding) around these.
//
//   Conv2DOptions o;
//   config::ReadConvOptions(c, where, unsupported, o);
//   ...
//   WriteConvOptions(o, config);
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::config {

// Fills the shared fields of `o` from Keras config `c`; records unsupported values.
template <class Options>
void ReadConvOptions(const nlohmann::json& c, const std::string& where,
                     std::vector<std::string>& unsupported, Options& o) {
  o.padding = c.value("padding", "valid");
  o.data_format = c.value("data_format", "channels_last");
  o.activation = Activation(c, where, unsupported);
  o.use_bias = c.value("use_bias", true);
  KernelAndBiasInitializers(c, where, unsupported, o.kernel_initializer, o.bias_initializer);
  o.kernel_regularizer = Kept(c, "kernel_regularizer");
  o.bias_regularizer = Kept(c, "bias_regularizer");
  o.activity_regularizer = Kept(c, "activity_regularizer");
  o.kernel_constraint = Kept(c, "kernel_constraint");
  o.bias_constraint = Kept(c, "bias_constraint");
  o.input_shape = InputShape(c);
  o.name = Name(c);
}

// `filters` when it is a positive integer, else 0.
inline int64_t Filters(const nlohmann::json& c) {
  return c.contains("filters") && c["filters"].is_number_integer() &&
                 c["filters"].get<int64_t>() > 0
             ? c["filters"].get<int64_t>()
             : int64_t{0};
}

}  // namespace kiln::keras::config

namespace kiln::keras::layers {

// Writes the shared fields of `o` into a layer's config.
template <class Options>
void WriteConvOptions(const Options& o, nlohmann::json& c) {
  c["padding"] = o.padding;
  c["data_format"] = o.data_format;
  c["activation"] = o.activation;
  c["use_bias"] = o.use_bias;
  c["kernel_initializer"] = o.kernel_initializer.ToConfig();
  c["bias_initializer"] = o.bias_initializer.ToConfig();
  c["kernel_regularizer"] = o.kernel_regularizer;
  c["bias_regularizer"] = o.bias_regularizer;
  c["activity_regularizer"] = o.activity_regularizer;
  c["kernel_constraint"] = o.kernel_constraint;
  c["bias_constraint"] = o.bias_constraint;
}

}  // namespace kiln::keras::layers

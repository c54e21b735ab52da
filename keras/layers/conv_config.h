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

#include "graph/error.h"
#include "keras/activations.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

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

// The depthwise step's keys (DepthwiseConv2D, and SeparableConv2D besides its pointwise ones):
// strides, dilation_rate, padding, data_format, depth_multiplier, activation, use_bias, the
// depthwise and bias initializers, regularizers and constraints, input_shape and name.
template <class Options>
void ReadDepthwiseOptions(const nlohmann::json& c, const std::string& where,
                          std::vector<std::string>& unsupported, Options& o) {
  o.strides = IntPair(c, "strides", {1, 1});
  o.dilation_rate = IntPair(c, "dilation_rate", {1, 1});
  o.padding = c.value("padding", "valid");
  o.data_format = c.value("data_format", "channels_last");
  if (c.contains("depth_multiplier"))  // anything but an integer is refused by the constructor
    o.depth_multiplier = c["depth_multiplier"].is_number_integer()
                             ? c["depth_multiplier"].get<int64_t>()
                             : int64_t{0};
  o.activation = Activation(c, where, unsupported);
  o.use_bias = c.value("use_bias", true);
  for (auto [key, init] : {std::pair{"depthwise_initializer", &o.depthwise_initializer},
                           std::pair{"bias_initializer", &o.bias_initializer}})
    if (c.contains(key)) *init = ParseInitializer(c[key], where + " " + key, unsupported);
  o.depthwise_regularizer = Kept(c, "depthwise_regularizer");
  o.bias_regularizer = Kept(c, "bias_regularizer");
  o.activity_regularizer = Kept(c, "activity_regularizer");
  o.depthwise_constraint = Kept(c, "depthwise_constraint");
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

// The constructor checks the convolutions share: positive filters, the data format, a known
// activation and valid initializers. Throws kiln::ValueError naming `where`.
template <class Options>
void CheckConvOptions(const std::string& where, int64_t filters, const Options& o) {
  if (filters <= 0) throw ValueError(where + ": filters must be positive");
  CheckDataFormat(where, o.data_format);
  activations::Validate(o.activation, where);
  o.kernel_initializer.Validate(where + " kernel_initializer");
  o.bias_initializer.Validate(where + " bias_initializer");
}

// Conv1D's and Conv2D's groups: a positive divisor of filters.
inline void CheckGroups(const std::string& where, int64_t filters, int64_t groups) {
  if (groups <= 0 || filters % groups != 0)
    throw ValueError(where + ": groups must be a positive divisor of filters (" +
                     std::to_string(filters) + "), got " + std::to_string(groups));
}

// Writes what ReadDepthwiseOptions reads, but input_shape and name (Layer::get_config's).
template <class Options>
void WriteDepthwiseOptions(const Options& o, nlohmann::json& c) {
  c["strides"] = o.strides;
  c["padding"] = o.padding;
  c["depth_multiplier"] = o.depth_multiplier;
  c["data_format"] = o.data_format;
  c["dilation_rate"] = o.dilation_rate;
  c["activation"] = o.activation;
  c["use_bias"] = o.use_bias;
  c["depthwise_initializer"] = o.depthwise_initializer.ToConfig();
  c["bias_initializer"] = o.bias_initializer.ToConfig();
  c["depthwise_regularizer"] = o.depthwise_regularizer;
  c["bias_regularizer"] = o.bias_regularizer;
  c["activity_regularizer"] = o.activity_regularizer;
  c["depthwise_constraint"] = o.depthwise_constraint;
  c["bias_constraint"] = o.bias_constraint;
}

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

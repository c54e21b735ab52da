#include "keras/layers/conv2d.h"

#include "keras/activations.h"
#include "keras/layers/conv_config.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

Conv2D::Conv2D(int64_t filters, IntOrPair kernel_size, Conv2DOptions options)
    : filters_(filters), kernel_size_(std::move(kernel_size)), options_(std::move(options)) {
  InitBase(options_.name, options_.input_shape, 0);
  const std::string where = "Conv2D '" + name_ + "'";
  CheckConvOptions(where, filters, options_);
  CheckPositivePair(where, "kernel_size", kernel_size_);
  CheckPositivePair(where, "strides", options_.strides);
  CheckPositivePair(where, "dilation_rate", options_.dilation_rate);
  CheckPadding(where, options_.padding);
  CheckGroups(where, filters, options_.groups);
}

Shape Conv2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  const bool same = options_.padding == "same";
  const int ih = channels_first() ? 2 : 1;
  const int64_t oh =
      SpatialOutSize(in[ih], kernel_size_[0], options_.strides[0], options_.dilation_rate[0], same);
  const int64_t ow = SpatialOutSize(in[ih + 1], kernel_size_[1], options_.strides[1],
                                    options_.dilation_rate[1], same);
  if (oh == 0 || ow == 0) ShapeFail("the kernel is larger than the input " + KerasShapeString(in));
  return channels_first() ? Shape{in[0], filters_, oh, ow} : Shape{in[0], oh, ow, filters_};
}

void Conv2D::BuildWeights(const Shape& in) {
  const int64_t channels = in[channels_first() ? 1 : 3];
  if (channels <= 0) ShapeFail("the channel dimension must be known, got " + KerasShapeString(in));
  if (channels % options_.groups != 0)
    ShapeFail("the input's " + std::to_string(channels) + " channels do not split into " +
              std::to_string(options_.groups) + " groups");
  const std::string where = "Conv2D '" + name_ + "' ";
  AddWeight("kernel", options_.kernel_initializer(Shape{kernel_size_[0], kernel_size_[1],
                                                        channels / options_.groups, filters_},
                                                  where + "kernel_initializer"));
  if (options_.use_bias)
    AddWeight("bias", options_.bias_initializer(Shape{filters_}, where + "bias_initializer"));
}

ValueRef Conv2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  x = ToNhwc(b, x, channels_first());
  const AttrMap attrs{{"strides", options_.strides},
                      {"padding", options_.padding},
                      {"dilations", options_.dilation_rate}};
  ValueRef y = GroupedConv2D(b, x, ctx.weights[0], attrs, options_.groups);
  if (options_.use_bias) y = b.Op("BiasAdd", {y, ctx.weights[1]});
  y = activations::Apply(b, options_.activation, y);
  return FromNhwc(b, y, channels_first());
}

nlohmann::json Conv2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  c["kernel_size"] = kernel_size_;
  c["strides"] = options_.strides;
  c["dilation_rate"] = options_.dilation_rate;
  c["groups"] = options_.groups;
  WriteConvOptions(options_, c);
  return c;
}

namespace {

std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Conv2D '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  Conv2DOptions o;
  o.strides = config::IntPair(c, "strides", {1, 1});
  o.dilation_rate = config::IntPair(c, "dilation_rate", {1, 1});
  o.groups = c.contains("groups") && c["groups"].is_number_integer() ? c["groups"].get<int64_t>()
                                                                     : int64_t{1};
  config::ReadConvOptions(c, where, unsupported, o);
  const auto kernel = config::IntPair(c, "kernel_size", {});
  const int64_t filters = config::Filters(c);
  if (!config::WithinMaxSize({{filters}, kernel, o.strides, o.dilation_rate}))
    unsupported.push_back(where +
                          ": filters, kernel_size, strides and dilation_rate must be at most " +
                          std::to_string(config::kMaxSize));
  if (kernel.empty() || filters <= 0 || !unsupported.empty()) {
    if (kernel.empty() || filters <= 0)
      unsupported.push_back(where + ": missing filters or kernel_size");
    return nullptr;
  }
  try {
    return std::make_shared<Conv2D>(filters, kernel, o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("Conv2D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/depthwise_conv2d.h"

#include "keras/activations.h"
#include "keras/layers/conv_config.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

DepthwiseConv2D::DepthwiseConv2D(IntOrPair kernel_size, DepthwiseConv2DOptions options)
    : kernel_size_(std::move(kernel_size)), o_(std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "DepthwiseConv2D '" + name_ + "'";
  CheckPositivePair(where, "kernel_size", kernel_size_);
  CheckPositivePair(where, "strides", o_.strides);
  CheckPositivePair(where, "dilation_rate", o_.dilation_rate);
  CheckPadding(where, o_.padding);
  CheckDataFormat(where, o_.data_format);
  if (o_.depth_multiplier <= 0) throw ValueError(where + ": depth_multiplier must be positive");
  activations::Validate(o_.activation, where);
  o_.depthwise_initializer.Validate(where + " depthwise_initializer");
  o_.bias_initializer.Validate(where + " bias_initializer");
}

Shape DepthwiseConv2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  const bool same = o_.padding == "same";
  const int ih = channels_first() ? 2 : 1, ic = channels_first() ? 1 : 3;
  const int64_t oh =
      SpatialOutSize(in[ih], kernel_size_[0], o_.strides[0], o_.dilation_rate[0], same);
  const int64_t ow =
      SpatialOutSize(in[ih + 1], kernel_size_[1], o_.strides[1], o_.dilation_rate[1], same);
  if (oh == 0 || ow == 0) ShapeFail("the kernel is larger than the input " + KerasShapeString(in));
  const int64_t c = in[ic] < 0 ? kUnknownDim : in[ic] * o_.depth_multiplier;
  return channels_first() ? Shape{in[0], c, oh, ow} : Shape{in[0], oh, ow, c};
}

void DepthwiseConv2D::BuildWeights(const Shape& in) {
  const int64_t channels = in[channels_first() ? 1 : 3];
  if (channels <= 0) ShapeFail("the channel dimension must be known, got " + KerasShapeString(in));
  const std::string where = "DepthwiseConv2D '" + name_ + "' ";
  AddWeight("depthwise_kernel", o_.depthwise_initializer(Shape{kernel_size_[0], kernel_size_[1],
                                                               channels, o_.depth_multiplier},
                                                         where + "depthwise_initializer"));
  if (o_.use_bias)
    AddWeight("bias", o_.bias_initializer(Shape{channels * o_.depth_multiplier},
                                          where + "bias_initializer"));
}

ValueRef DepthwiseConv2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  ValueRef y =
      b.Op("DepthwiseConv2D", {ToNhwc(b, x, channels_first()), ctx.weights[0]},
           {{"strides", o_.strides}, {"padding", o_.padding}, {"dilations", o_.dilation_rate}});
  if (o_.use_bias) y = b.Op("BiasAdd", {y, ctx.weights[1]});
  return FromNhwc(b, activations::Apply(b, o_.activation, y), channels_first());
}

nlohmann::json DepthwiseConv2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["kernel_size"] = kernel_size_;
  WriteDepthwiseOptions(o_, c);
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "DepthwiseConv2D '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  DepthwiseConv2DOptions o;
  config::ReadDepthwiseOptions(c, where, unsupported, o);
  const auto kernel = config::IntPair(c, "kernel_size", {});
  if (!config::WithinMaxSize({{o.depth_multiplier}, kernel, o.strides, o.dilation_rate}))
    unsupported.push_back(
        where + ": depth_multiplier, kernel_size, strides and dilation_rate must be at most " +
        std::to_string(config::kMaxSize));
  if (kernel.empty()) unsupported.push_back(where + ": missing or malformed kernel_size");
  if (!unsupported.empty()) return nullptr;
  try {
    return std::make_shared<DepthwiseConv2D>(kernel, o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("DepthwiseConv2D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

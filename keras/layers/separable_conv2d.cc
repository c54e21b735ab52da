#include "keras/layers/separable_conv2d.h"

#include "keras/activations.h"
#include "keras/layers/conv_config.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

SeparableConv2D::SeparableConv2D(int64_t filters, IntOrPair kernel_size,
                                 SeparableConv2DOptions options)
    : filters_(filters), kernel_size_(std::move(kernel_size)), o_(std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "SeparableConv2D '" + name_ + "'";
  if (filters <= 0) throw ValueError(where + ": filters must be positive");
  CheckPositivePair(where, "kernel_size", kernel_size_);
  CheckPositivePair(where, "strides", o_.strides);
  CheckPositivePair(where, "dilation_rate", o_.dilation_rate);
  CheckPadding(where, o_.padding);
  CheckDataFormat(where, o_.data_format);
  if (o_.depth_multiplier <= 0) throw ValueError(where + ": depth_multiplier must be positive");
  activations::Validate(o_.activation, where);
  o_.depthwise_initializer.Validate(where + " depthwise_initializer");
  o_.pointwise_initializer.Validate(where + " pointwise_initializer");
  o_.bias_initializer.Validate(where + " bias_initializer");
}

Shape SeparableConv2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  const bool same = o_.padding == "same";
  const int ih = channels_first() ? 2 : 1;
  const int64_t oh =
      SpatialOutSize(in[ih], kernel_size_[0], o_.strides[0], o_.dilation_rate[0], same);
  const int64_t ow =
      SpatialOutSize(in[ih + 1], kernel_size_[1], o_.strides[1], o_.dilation_rate[1], same);
  if (oh == 0 || ow == 0) ShapeFail("the kernel is larger than the input " + KerasShapeString(in));
  return channels_first() ? Shape{in[0], filters_, oh, ow} : Shape{in[0], oh, ow, filters_};
}

void SeparableConv2D::BuildWeights(const Shape& in) {
  const int64_t channels = in[channels_first() ? 1 : 3];
  if (channels <= 0) ShapeFail("the channel dimension must be known, got " + KerasShapeString(in));
  const std::string where = "SeparableConv2D '" + name_ + "' ";
  AddWeight("depthwise_kernel", o_.depthwise_initializer(Shape{kernel_size_[0], kernel_size_[1],
                                                               channels, o_.depth_multiplier},
                                                         where + "depthwise_initializer"));
  AddWeight("pointwise_kernel",
            o_.pointwise_initializer(Shape{1, 1, channels * o_.depth_multiplier, filters_},
                                     where + "pointwise_initializer"));
  if (o_.use_bias)
    AddWeight("bias", o_.bias_initializer(Shape{filters_}, where + "bias_initializer"));
}

ValueRef SeparableConv2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  ValueRef y =
      b.Op("DepthwiseConv2D", {ToNhwc(b, x, channels_first()), ctx.weights[0]},
           {{"strides", o_.strides}, {"padding", o_.padding}, {"dilations", o_.dilation_rate}});
  y = b.Op("Conv2D", {y, ctx.weights[1]},
           {{"strides", std::vector<int64_t>{1, 1}}, {"padding", std::string("valid")}});
  if (o_.use_bias) y = b.Op("BiasAdd", {y, ctx.weights[2]});
  return FromNhwc(b, activations::Apply(b, o_.activation, y), channels_first());
}

nlohmann::json SeparableConv2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  c["kernel_size"] = kernel_size_;
  WriteDepthwiseOptions(o_, c);
  c["pointwise_initializer"] = o_.pointwise_initializer.ToConfig();
  c["pointwise_regularizer"] = o_.pointwise_regularizer;
  c["pointwise_constraint"] = o_.pointwise_constraint;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "SeparableConv2D '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  SeparableConv2DOptions o;
  config::ReadDepthwiseOptions(c, where, unsupported, o);
  if (c.contains("pointwise_initializer"))
    o.pointwise_initializer = config::ParseInitializer(
        c["pointwise_initializer"], where + " pointwise_initializer", unsupported);
  o.pointwise_regularizer = config::Kept(c, "pointwise_regularizer");
  o.pointwise_constraint = config::Kept(c, "pointwise_constraint");
  const auto kernel = config::IntPair(c, "kernel_size", {});
  const int64_t filters = config::Filters(c);
  if (kernel.empty() || filters <= 0)
    unsupported.push_back(where + ": missing filters or kernel_size");
  else if (!config::WithinMaxSize(
               {{filters, o.depth_multiplier}, kernel, o.strides, o.dilation_rate}))
    unsupported.push_back(
        where + ": filters, depth_multiplier, kernel_size, strides and dilation_rate must be " +
        "at most " + std::to_string(config::kMaxSize));
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<SeparableConv2D>(filters, kernel, o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("SeparableConv2D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

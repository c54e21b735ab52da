#include "keras/layers/conv2d_transpose.h"

#include "keras/activations.h"
#include "keras/layers/conv_config.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

Conv2DTranspose::Conv2DTranspose(int64_t filters, IntOrPair kernel_size,
                                 Conv2DTransposeOptions options)
    : filters_(filters), kernel_size_(std::move(kernel_size)), options_(std::move(options)) {
  InitBase(options_.name, options_.input_shape, 0);
  const std::string where = "Conv2DTranspose '" + name_ + "'";
  CheckConvOptions(where, filters, options_);
  CheckPositivePair(where, "kernel_size", kernel_size_);
  CheckPositivePair(where, "strides", options_.strides);
  CheckPositivePair(where, "dilation_rate", options_.dilation_rate);
  CheckPadding(where, options_.padding);
  if (const auto& p = options_.output_padding) {
    if (p->size() != 2) throw ValueError(where + ": output_padding must be two integers");
    for (int d = 0; d < 2; ++d)
      if ((*p)[d] < 0 || (*p)[d] >= options_.strides[d])
        throw ValueError(where + ": output_padding " + std::to_string((*p)[d]) +
                         " must be at least 0 and less than the stride " +
                         std::to_string(options_.strides[d]));
  }
}

int64_t Conv2DTranspose::OutputSize(int64_t in, int d) const {
  if (in < 0) return kUnknownDim;
  const int64_t k = (kernel_size_[d] - 1) * options_.dilation_rate[d] + 1;
  const int64_t s = options_.strides[d];
  const bool same = options_.padding == "same";
  if (!options_.output_padding) return same ? in * s : in * s + std::max<int64_t>(k - s, 0);
  return (in - 1) * s + k - 2 * (same ? k / 2 : 0) + (*options_.output_padding)[d];
}

Shape Conv2DTranspose::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  const int ih = channels_first() ? 2 : 1;
  const int64_t oh = OutputSize(in[ih], 0), ow = OutputSize(in[ih + 1], 1);
  if (oh == 0 || ow == 0) ShapeFail("the output of input " + KerasShapeString(in) + " is empty");
  return channels_first() ? Shape{in[0], filters_, oh, ow} : Shape{in[0], oh, ow, filters_};
}

void Conv2DTranspose::BuildWeights(const Shape& in) {
  const int64_t channels = in[channels_first() ? 1 : 3];
  if (channels <= 0) ShapeFail("the channel dimension must be known, got " + KerasShapeString(in));
  const std::string where = "Conv2DTranspose '" + name_ + "' ";
  AddWeight("kernel",
            options_.kernel_initializer(Shape{kernel_size_[0], kernel_size_[1], filters_, channels},
                                        where + "kernel_initializer"));
  if (options_.use_bias)
    AddWeight("bias", options_.bias_initializer(Shape{filters_}, where + "bias_initializer"));
}

ValueRef Conv2DTranspose::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  x = ToNhwc(b, x, channels_first());
  const Shape& s = b.type(x).shape;
  if (s[1] < 0 || s[2] < 0)
    throw ValueError("Conv2DTranspose '" + name_ + "': the image size must be known, got " +
                     KerasShapeString(s));
  ValueRef y =
      b.Op("Conv2DTranspose", {x, ctx.weights[0]},
           {{"strides", options_.strides},
            {"padding", options_.padding},
            {"dilations", options_.dilation_rate},
            {"output_size", std::vector<int64_t>{OutputSize(s[1], 0), OutputSize(s[2], 1)}}});
  if (options_.use_bias) y = b.Op("BiasAdd", {y, ctx.weights[1]});
  y = activations::Apply(b, options_.activation, y);
  return FromNhwc(b, y, channels_first());
}

nlohmann::json Conv2DTranspose::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  c["kernel_size"] = kernel_size_;
  c["strides"] = options_.strides;
  c["dilation_rate"] = options_.dilation_rate;
  c["output_padding"] =
      options_.output_padding ? nlohmann::json(*options_.output_padding) : nlohmann::json(nullptr);
  WriteConvOptions(options_, c);
  return c;
}

namespace {

std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Conv2DTranspose '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  Conv2DTransposeOptions o;
  o.strides = config::IntPair(c, "strides", {1, 1});
  o.dilation_rate = config::IntPair(c, "dilation_rate", {1, 1});
  if (c.contains("output_padding") && !c["output_padding"].is_null()) {
    o.output_padding = config::IntPair(c, "output_padding", {});
    if (o.output_padding->empty())
      unsupported.push_back(where + ": output_padding must be null, an int or two ints");
  }
  config::ReadConvOptions(c, where, unsupported, o);
  const auto kernel = config::IntPair(c, "kernel_size", {});
  const int64_t filters = config::Filters(c);
  if (kernel.empty() || filters <= 0)
    unsupported.push_back(where + ": missing filters or kernel_size");
  else if (!config::WithinMaxSize({{filters}, kernel, o.strides, o.dilation_rate}))
    unsupported.push_back(where +
                          ": filters, kernel_size, strides and dilation_rate must be at most " +
                          std::to_string(config::kMaxSize));
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<Conv2DTranspose>(filters, kernel, o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("Conv2DTranspose", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

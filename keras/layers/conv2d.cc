#include "keras/layers/conv2d.h"

#include "keras/activations.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {
namespace {

const std::vector<int64_t> kToNhwc = {0, 2, 3, 1}, kToNchw = {0, 3, 1, 2};

int64_t OutSize(int64_t in, int64_t k, int64_t s, bool same) {
  if (in < 0) return kUnknownDim;
  return same ? (in + s - 1) / s : (in >= k ? (in - k) / s + 1 : 0);
}

}  // namespace

Conv2D::Conv2D(int64_t filters, std::vector<int64_t> kernel_size, Conv2DOptions options)
    : filters_(filters), kernel_size_(std::move(kernel_size)), options_(std::move(options)) {
  InitBase(options_.name, options_.input_shape, 0);
  const std::string where = "Conv2D '" + name_ + "'";
  if (filters <= 0) throw ValueError(where + ": filters must be positive");
  if (kernel_size_.size() != 2 || kernel_size_[0] <= 0 || kernel_size_[1] <= 0)
    throw ValueError(where + ": kernel_size must be two positive integers");
  if (options_.strides.size() != 2 || options_.strides[0] <= 0 || options_.strides[1] <= 0)
    throw ValueError(where + ": strides must be two positive integers");
  if (options_.padding != "valid" && options_.padding != "same")
    throw ValueError(where + ": padding must be 'valid' or 'same'");
  if (options_.data_format != "channels_last" && options_.data_format != "channels_first")
    throw ValueError(where + ": data_format must be 'channels_last' or 'channels_first'");
  activations::Validate(options_.activation, where);
  options_.kernel_initializer.Validate(where + " kernel_initializer");
  options_.bias_initializer.Validate(where + " bias_initializer");
}

Shape Conv2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  const bool same = options_.padding == "same";
  const int ih = channels_first() ? 2 : 1;
  const int64_t oh = OutSize(in[ih], kernel_size_[0], options_.strides[0], same);
  const int64_t ow = OutSize(in[ih + 1], kernel_size_[1], options_.strides[1], same);
  if (oh == 0 || ow == 0) ShapeFail("the kernel is larger than the input " + KerasShapeString(in));
  return channels_first() ? Shape{in[0], filters_, oh, ow} : Shape{in[0], oh, ow, filters_};
}

void Conv2D::BuildWeights(const Shape& in) {
  const int64_t channels = in[channels_first() ? 1 : 3];
  if (channels <= 0) ShapeFail("the channel dimension must be known, got " + KerasShapeString(in));
  const std::string where = "Conv2D '" + name_ + "' ";
  AddWeight("kernel",
            options_.kernel_initializer(Shape{kernel_size_[0], kernel_size_[1], channels, filters_},
                                        where + "kernel_initializer"));
  if (options_.use_bias)
    AddWeight("bias", options_.bias_initializer(Shape{filters_}, where + "bias_initializer"));
}

ValueRef Conv2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  if (channels_first()) x = b.Op("Transpose", {x}, {{"perm", kToNhwc}});
  ValueRef y = b.Op("Conv2D", {x, ctx.weights[0]},
                    {{"strides", options_.strides}, {"padding", options_.padding}});
  if (options_.use_bias) y = b.Op("BiasAdd", {y, ctx.weights[1]});
  y = activations::Apply(b, options_.activation, y);
  return channels_first() ? b.Op("Transpose", {y}, {{"perm", kToNchw}}) : y;
}

nlohmann::json Conv2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  c["kernel_size"] = kernel_size_;
  c["strides"] = options_.strides;
  c["padding"] = options_.padding;
  c["data_format"] = options_.data_format;
  c["dilation_rate"] = {1, 1};
  c["activation"] = options_.activation;
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = options_.kernel_initializer.ToConfig();
  c["bias_initializer"] = options_.bias_initializer.ToConfig();
  c["kernel_regularizer"] = options_.kernel_regularizer;
  c["bias_regularizer"] = options_.bias_regularizer;
  c["activity_regularizer"] = options_.activity_regularizer;
  c["kernel_constraint"] = options_.kernel_constraint;
  c["bias_constraint"] = options_.bias_constraint;
  return c;
}

namespace {
std::vector<int64_t> Pair(const nlohmann::json& c, const char* key, std::vector<int64_t> fallback) {
  if (!c.contains(key)) return fallback;
  if (c[key].is_number_integer()) return {c[key].get<int64_t>(), c[key].get<int64_t>()};
  if (c[key].is_array() && c[key].size() == 2 && c[key][0].is_number_integer() &&
      c[key][1].is_number_integer())
    return c[key].get<std::vector<int64_t>>();
  return {};
}

std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Conv2D '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  if (Pair(c, "dilation_rate", {1, 1}) != std::vector<int64_t>{1, 1})
    unsupported.push_back(where + ": dilation_rate");
  if (c.value("groups", 1) != 1) unsupported.push_back(where + ": groups");
  Conv2DOptions o;
  o.strides = Pair(c, "strides", {1, 1});
  o.padding = c.value("padding", "valid");
  o.data_format = c.value("data_format", "channels_last");
  o.activation = config::Activation(c, where, unsupported);
  o.use_bias = c.value("use_bias", true);
  config::KernelAndBiasInitializers(c, where, unsupported, o.kernel_initializer,
                                    o.bias_initializer);
  o.kernel_regularizer = config::Kept(c, "kernel_regularizer");
  o.bias_regularizer = config::Kept(c, "bias_regularizer");
  o.activity_regularizer = config::Kept(c, "activity_regularizer");
  o.kernel_constraint = config::Kept(c, "kernel_constraint");
  o.bias_constraint = config::Kept(c, "bias_constraint");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  const auto kernel = Pair(c, "kernel_size", {});
  const int64_t filters = c.contains("filters") && c["filters"].is_number_integer()
                              ? c["filters"].get<int64_t>()
                              : int64_t{0};
  for (int64_t v : {filters, kernel.empty() ? 1 : kernel[0], kernel.empty() ? 1 : kernel[1],
                    o.strides.empty() ? 1 : o.strides[0], o.strides.empty() ? 1 : o.strides[1]})
    if (v > config::kMaxSize) {
      unsupported.push_back(where + ": filters, kernel_size and strides must be at most " +
                            std::to_string(config::kMaxSize));
      break;
    }
  if (kernel.empty() || filters <= 0 || o.strides.empty() || !unsupported.empty()) {
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

#include "keras/layers/conv1d.h"

#include "keras/activations.h"
#include "keras/layers/conv_config.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

Conv1D::Conv1D(int64_t filters, int64_t kernel_size, Conv1DOptions options)
    : filters_(filters), kernel_size_(kernel_size), options_(std::move(options)) {
  InitBase(options_.name, options_.input_shape, 0);
  const std::string where = "Conv1D '" + name_ + "'";
  CheckConvOptions(where, filters, options_);
  if (kernel_size <= 0 || options_.strides <= 0 || options_.dilation_rate <= 0)
    throw ValueError(where + ": kernel_size, strides and dilation_rate must be positive");
  if (options_.padding != "causal") CheckPadding(where, options_.padding);
  CheckGroups(where, filters, options_.groups);
}

Shape Conv1D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 3) ShapeFail("expected input of rank 3, got " + KerasShapeString(in));
  const int is = channels_first() ? 2 : 1;
  int64_t steps = in[is];
  // Causal padding adds the dilated kernel's reach before the first step, then runs "valid".
  if (options_.padding == "causal" && steps >= 0)
    steps += (kernel_size_ - 1) * options_.dilation_rate;
  steps = SpatialOutSize(steps, kernel_size_, options_.strides, options_.dilation_rate,
                         options_.padding == "same");
  if (steps == 0) ShapeFail("the kernel is larger than the input " + KerasShapeString(in));
  return channels_first() ? Shape{in[0], filters_, steps} : Shape{in[0], steps, filters_};
}

void Conv1D::BuildWeights(const Shape& in) {
  const int64_t channels = in[channels_first() ? 1 : 2];
  if (channels <= 0) ShapeFail("the channel dimension must be known, got " + KerasShapeString(in));
  if (channels % options_.groups != 0)
    ShapeFail("the input's " + std::to_string(channels) + " channels do not split into " +
              std::to_string(options_.groups) + " groups");
  const std::string where = "Conv1D '" + name_ + "' ";
  AddWeight("kernel",
            options_.kernel_initializer(Shape{kernel_size_, channels / options_.groups, filters_},
                                        where + "kernel_initializer"));
  if (options_.use_bias)
    AddWeight("bias", options_.bias_initializer(Shape{filters_}, where + "bias_initializer"));
}

ValueRef Conv1D::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  x = SequenceToNhwc(b, x, channels_first(), "Conv1D '" + name_ + "'");
  const bool causal = options_.padding == "causal";
  if (causal) {
    const int64_t reach = (kernel_size_ - 1) * options_.dilation_rate;
    x = b.Op("Pad", {x}, {{"paddings", std::vector<int64_t>{0, 0, 0, 0, reach, 0, 0, 0}}});
  }
  const Shape& k = b.type(ctx.weights[0]).shape;
  const ValueRef kernel =
      b.Op("Reshape", {ctx.weights[0]}, {{"shape", std::vector<int64_t>{1, k[0], k[1], k[2]}}});
  const AttrMap attrs{{"strides", std::vector<int64_t>{1, options_.strides}},
                      {"padding", causal ? std::string("valid") : options_.padding},
                      {"dilations", std::vector<int64_t>{1, options_.dilation_rate}}};
  ValueRef y = GroupedConv2D(b, x, kernel, attrs, options_.groups);
  if (options_.use_bias) y = b.Op("BiasAdd", {y, ctx.weights[1]});
  y = activations::Apply(b, options_.activation, y);
  return NhwcToSequence(b, y, channels_first());
}

nlohmann::json Conv1D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  c["kernel_size"] = std::vector<int64_t>{kernel_size_};
  c["strides"] = std::vector<int64_t>{options_.strides};
  c["dilation_rate"] = std::vector<int64_t>{options_.dilation_rate};
  c["groups"] = options_.groups;
  WriteConvOptions(options_, c);
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Conv1D '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  Conv1DOptions o;
  o.strides = config::OneInt(c, "strides").value_or(1);
  o.dilation_rate = config::OneInt(c, "dilation_rate").value_or(1);
  o.groups = config::OneInt(c, "groups").value_or(1);
  config::ReadConvOptions(c, where, unsupported, o);
  const int64_t kernel = config::OneInt(c, "kernel_size").value_or(0), filters = config::Filters(c);
  if (kernel <= 0 || filters <= 0)
    unsupported.push_back(where + ": missing filters or kernel_size");
  else if (!config::WithinMaxSize({{filters, kernel, o.strides, o.dilation_rate}}))
    unsupported.push_back(where +
                          ": filters, kernel_size, strides and dilation_rate must be at most " +
                          std::to_string(config::kMaxSize));
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<Conv1D>(filters, kernel, o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("Conv1D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

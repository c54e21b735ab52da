#include "keras/layers/pooling1d.h"

#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

void Pooling1D::Init() {
  InitBase(o_.name, o_.input_shape, 0);
  if (!o_.strides) o_.strides = o_.pool_size;
  const std::string where = class_name() + " '" + name_ + "'";
  if (o_.pool_size <= 0 || *o_.strides <= 0)
    throw ValueError(where + ": pool_size and strides must be positive");
  CheckPadding(where, o_.padding);
  CheckDataFormat(where, o_.data_format);
}

Shape Pooling1D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 3) ShapeFail("expected input of rank 3, got " + KerasShapeString(in));
  const int is = channels_first() ? 2 : 1;
  const int64_t steps = SpatialOutSize(in[is], o_.pool_size, *o_.strides, 1, o_.padding == "same");
  if (steps == 0) ShapeFail("the pool is larger than the input " + KerasShapeString(in));
  return channels_first() ? Shape{in[0], in[1], steps} : Shape{in[0], steps, in[2]};
}

ValueRef Pooling1D::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  x = SequenceToNhwc(b, x, channels_first(), class_name() + " '" + name_ + "'");
  ValueRef y = b.Op(op_, {x},
                    {{"pool_size", std::vector<int64_t>{1, o_.pool_size}},
                     {"strides", std::vector<int64_t>{1, *o_.strides}},
                     {"padding", o_.padding}});
  return NhwcToSequence(b, y, channels_first());
}

nlohmann::json Pooling1D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["pool_size"] = std::vector<int64_t>{o_.pool_size};
  c["strides"] = std::vector<int64_t>{*o_.strides};
  c["padding"] = o_.padding;
  c["data_format"] = o_.data_format;
  return c;
}

namespace {
template <typename L>
std::shared_ptr<Layer> FromConfig(const char* class_name, const nlohmann::json& c,
                                  std::vector<std::string>& unsupported) {
  const std::string where = std::string(class_name) + " '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  Pooling1DOptions o;
  o.pool_size = config::OneInt(c, "pool_size").value_or(2);
  o.strides = config::OneInt(c, "strides");
  o.padding = c.value("padding", "valid");
  o.data_format = c.value("data_format", "channels_last");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (!config::WithinMaxSize({{o.pool_size, o.strides.value_or(1)}}))
    unsupported.push_back(where + ": pool_size and strides must be at most " +
                          std::to_string(config::kMaxSize));
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<L>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}

KILN_REGISTER_LAYER("MaxPooling1D", [](const nlohmann::json& c, std::vector<std::string>& u) {
  return FromConfig<MaxPooling1D>("MaxPooling1D", c, u);
});
KILN_REGISTER_LAYER("AveragePooling1D", [](const nlohmann::json& c, std::vector<std::string>& u) {
  return FromConfig<AveragePooling1D>("AveragePooling1D", c, u);
});
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/max_pooling2d.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

MaxPooling2D::MaxPooling2D(MaxPooling2DOptions o) : o_(std::move(o)) {
  InitBase(o_.name, o_.input_shape, 0);
  if (o_.strides.empty()) o_.strides = o_.pool_size;
  const std::string where = "MaxPooling2D '" + name_ + "'";
  if (o_.pool_size.size() != 2 || o_.pool_size[0] <= 0 || o_.pool_size[1] <= 0 ||
      o_.strides.size() != 2 || o_.strides[0] <= 0 || o_.strides[1] <= 0)
    throw ValueError(where + ": pool_size and strides must be two positive integers");
  if (o_.padding != "valid" && o_.padding != "same")
    throw ValueError(where + ": padding must be 'valid' or 'same'");
  if (o_.data_format != "channels_last" && o_.data_format != "channels_first")
    throw ValueError(where + ": data_format must be 'channels_last' or 'channels_first'");
}

Shape MaxPooling2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  const bool same = o_.padding == "same", cf = o_.data_format == "channels_first";
  auto out = [&](int64_t d, int i) {
    return d < 0  ? kUnknownDim
           : same ? (d + o_.strides[i] - 1) / o_.strides[i]
                  : (d >= o_.pool_size[i] ? (d - o_.pool_size[i]) / o_.strides[i] + 1 : 0);
  };
  const int ih = cf ? 2 : 1;
  const int64_t oh = out(in[ih], 0), ow = out(in[ih + 1], 1);
  if (oh == 0 || ow == 0) ShapeFail("the pool is larger than the input " + KerasShapeString(in));
  return cf ? Shape{in[0], in[1], oh, ow} : Shape{in[0], oh, ow, in[3]};
}

ValueRef MaxPooling2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  const bool cf = o_.data_format == "channels_first";
  if (cf) x = b.Op("Transpose", {x}, {{"perm", std::vector<int64_t>{0, 2, 3, 1}}});
  ValueRef y =
      b.Op("MaxPool2D", {x},
           {{"pool_size", o_.pool_size}, {"strides", o_.strides}, {"padding", o_.padding}});
  return cf ? b.Op("Transpose", {y}, {{"perm", std::vector<int64_t>{0, 3, 1, 2}}}) : y;
}

nlohmann::json MaxPooling2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["pool_size"] = o_.pool_size;
  c["strides"] = o_.strides;
  c["padding"] = o_.padding;
  c["data_format"] = o_.data_format;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "MaxPooling2D '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  MaxPooling2DOptions o;
  auto pair = [&](const char* key, std::vector<int64_t>& out) {
    if (!c.contains(key) || c[key].is_null()) return;
    if (c[key].is_number_integer())
      out = {c[key].get<int64_t>(), c[key].get<int64_t>()};
    else if (c[key].is_array())
      out = c[key].get<std::vector<int64_t>>();
  };
  pair("pool_size", o.pool_size);
  pair("strides", o.strides);
  o.padding = c.value("padding", "valid");
  o.data_format = c.value("data_format", "channels_last");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  try {
    return std::make_shared<MaxPooling2D>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("MaxPooling2D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

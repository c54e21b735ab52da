#include "keras/layers/rescaling.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {
namespace {

nlohmann::json NumberOrList(const std::vector<double>& v) {
  return v.size() == 1 ? nlohmann::json(v[0]) : nlohmann::json(v);
}

// A per-channel constant, broadcasting over the last axis.
ValueRef ChannelConst(GraphBuilder& b, const std::vector<double>& v, DType dtype) {
  if (v.size() == 1) return b.Scalar(v[0], dtype);
  const std::vector<float> f(v.begin(), v.end());
  Tensor t = Tensor::FromVector<float>(f, Shape{static_cast<int64_t>(v.size())});
  return dtype == kFloat32 ? b.Const(t) : b.Op("Cast", {b.Const(t)}, {{"dtype", dtype}});
}

}  // namespace

Rescaling::Rescaling(std::vector<double> scale, RescalingOptions o)
    : scale_(std::move(scale)), offset_(std::move(o.offset)) {
  InitBase(o.name, o.input_shape, 0);
  if (scale_.empty() || offset_.empty())
    throw ValueError("Rescaling '" + name_ + "': scale and offset need at least one value");
}

Shape Rescaling::ComputeOutputShape(const Shape& in) const {
  for (const auto* v : {&scale_, &offset_})
    if (v->size() > 1 && (in.rank() < 2 || in[in.rank() - 1] != static_cast<int64_t>(v->size())))
      ShapeFail("scale and offset have one value per channel (" + std::to_string(v->size()) +
                "), the input's last axis does not match: " + KerasShapeString(in));
  return in;
}

ValueRef Rescaling::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  DType t = b.type(x).dtype;
  // Keras casts integer pixels to the layer's float dtype first.
  if (t != kFloat32 && t != kFloat64) {
    x = b.Op("Cast", {x}, {{"dtype", kFloat32}});
    t = kFloat32;
  }
  ValueRef y = b.Op("Mul", {x, ChannelConst(b, scale_, t)});
  if (offset_.size() > 1 || offset_[0] != 0) y = b.Op("Add", {y, ChannelConst(b, offset_, t)});
  return y;
}

nlohmann::json Rescaling::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["scale"] = NumberOrList(scale_);
  c["offset"] = NumberOrList(offset_);
  return c;
}

namespace {
std::optional<std::vector<double>> Numbers(const nlohmann::json& c, const char* key,
                                           double fallback) {
  if (!c.contains(key)) return std::vector<double>{fallback};
  const nlohmann::json& v = c[key];
  if (v.is_number()) return std::vector<double>{v.get<double>()};
  if (!v.is_array() || v.empty()) return std::nullopt;
  std::vector<double> out;
  for (const auto& e : v) {
    if (!e.is_number()) return std::nullopt;
    out.push_back(e.get<double>());
  }
  return out;
}

std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Rescaling '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  const auto scale = Numbers(c, "scale", 1.0), offset = Numbers(c, "offset", 0.0);
  if (!scale || !offset) {
    unsupported.push_back(where + ": scale " + c.value("scale", nlohmann::json()).dump() +
                          ", offset " + c.value("offset", nlohmann::json()).dump() +
                          " (Kiln takes numbers or one list per channel)");
    return nullptr;
  }
  return std::make_shared<Rescaling>(
      *scale, RescalingOptions{*offset, config::InputShape(c), config::Name(c)});
}
KILN_REGISTER_LAYER("Rescaling", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

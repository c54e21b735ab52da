#include "keras/layers/reshape.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Reshape::Reshape(std::vector<int64_t> target_shape, ReshapeOptions o)
    : target_(std::move(target_shape)) {
  int unknown = 0;
  for (int64_t d : target_) {
    if (d < -1 || d > config::kMaxSize)
      throw ValueError("Reshape: target_shape dimensions must be positive or -1, got " +
                       std::to_string(d));
    unknown += d == -1;
  }
  if (unknown > 1) throw ValueError("Reshape: can only specify one unknown dimension (-1)");
  InitBase(o.name, o.input_shape, 0);
}

Shape Reshape::ComputeOutputShape(const Shape& in) const {
  if (in.rank() < 1) ShapeFail("expected an input with a batch dimension");
  int64_t have = 1, known = 1;
  for (int i = 1; i < in.rank(); ++i) {
    if (in[i] < 0) ShapeFail("all non-batch dimensions must be known, got " + KerasShapeString(in));
    have *= in[i];
  }
  for (int64_t d : target_)
    if (d != -1) known *= d;
  std::vector<int64_t> out = {in[0]};
  for (int64_t d : target_) {
    if (d != -1) {
      out.push_back(d);
    } else {
      if (known == 0 || have % known != 0)
        ShapeFail("total size of the new array must be unchanged, input_shape = " +
                  KerasShapeString(in) + ", output_shape = " + KerasShapeString(Shape(target_)));
      out.push_back(have / known);
      known *= have / known;
    }
  }
  if (known != have)
    ShapeFail("total size of the new array must be unchanged, input_shape = " +
              KerasShapeString(in) + ", output_shape = " + KerasShapeString(Shape(target_)));
  return Shape(out);
}

ValueRef Reshape::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  std::vector<int64_t> dims = ComputeOutputShape(b.type(x).shape).dims();
  dims[0] = -1;
  return b.Op("Reshape", {x}, {{"shape", dims}});
}

nlohmann::json Reshape::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["target_shape"] = target_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Reshape '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  const nlohmann::json t = c.value("target_shape", nlohmann::json());
  std::vector<int64_t> target;
  bool ok = t.is_array();
  for (const auto& d : ok ? t : nlohmann::json::array()) {
    ok = ok && d.is_number_integer() && d.get<int64_t>() >= -1 &&
         d.get<int64_t>() <= config::kMaxSize;
    if (ok) target.push_back(d.get<int64_t>());
  }
  if (!ok || std::count(target.begin(), target.end(), -1) > 1) {
    unsupported.push_back(where + ": target_shape " + t.dump());
    return nullptr;
  }
  return std::make_shared<Reshape>(target, ReshapeOptions{config::InputShape(c), config::Name(c)});
}
KILN_REGISTER_LAYER("Reshape", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

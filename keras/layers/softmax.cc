#include "keras/layers/softmax.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Softmax::Softmax(SoftmaxOptions o) : axis_(o.axis) { InitBase(o.name, o.input_shape, 0); }

Shape Softmax::ComputeOutputShape(const Shape& in) const {
  if (axis_ >= in.rank() || axis_ < -in.rank())
    ShapeFail("axis " + std::to_string(axis_) + " is out of range for input " +
              KerasShapeString(in));
  return in;
}

ValueRef Softmax::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  return b.Op("Softmax", {x}, {{"axis", axis_}});
}

nlohmann::json Softmax::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = axis_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Softmax '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  int64_t axis = -1;
  if (c.contains("axis")) {
    const auto& a = c["axis"];
    if (a.is_number_integer())
      axis = a.get<int64_t>();
    else if (a.is_array() && a.size() == 1 && a[0].is_number_integer())
      axis = a[0].get<int64_t>();
    else
      unsupported.push_back(where + ": axis " + a.dump());
  }
  return std::make_shared<Softmax>(SoftmaxOptions{axis, config::InputShape(c), config::Name(c)});
}
KILN_REGISTER_LAYER("Softmax", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

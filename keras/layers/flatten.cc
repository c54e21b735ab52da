#include "keras/layers/flatten.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Flatten::Flatten(FlattenOptions options) { InitBase(options.name, options.input_shape, 0); }

Shape Flatten::ComputeOutputShape(const Shape& in) const {
  if (in.rank() < 1) ShapeFail("expected an input with a batch dimension");
  int64_t n = 1;
  for (int i = 1; i < in.rank(); ++i) {
    if (in[i] < 0) ShapeFail("all non-batch dimensions must be known, got " + KerasShapeString(in));
    n *= in[i];
  }
  return Shape{in[0], n};
}

ValueRef Flatten::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  Shape out = ComputeOutputShape(b.type(x).shape);
  if (b.type(x).shape.rank() == 2) return x;
  return b.Op("Reshape", {x}, {{"shape", std::vector<int64_t>{-1, out[1]}}});
}

nlohmann::json Flatten::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["data_format"] = "channels_last";
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Flatten '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  // channels_first only changes the order for inputs of rank > 2, which Kiln does not reorder.
  const auto shape = config::InputShape(c);
  if (c.value("data_format", "channels_last") == "channels_first" && shape.size() > 1)
    unsupported.push_back(where + ": data_format channels_first");
  return std::make_shared<Flatten>(FlattenOptions{shape, config::Name(c)});
}
KILN_REGISTER_LAYER("Flatten", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

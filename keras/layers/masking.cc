#include "keras/layers/masking.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

ValueRef NotEqualMask(GraphBuilder& b, ValueRef x, double value) {
  const ValueRef equal = b.Op("Equal", {x, b.Scalar(value, b.type(x).dtype)});
  return b.Op("Sub", {b.Scalar(1.0), b.Op("Cast", {equal}, {{"dtype", kFloat32}})});
}

ValueRef MaskAs(GraphBuilder& b, ValueRef mask, DType dtype) {
  return b.type(mask).dtype == dtype ? mask : b.Op("Cast", {mask}, {{"dtype", dtype}});
}

Masking::Masking(double mask_value, MaskingOptions options) : mask_value_(mask_value) {
  InitBase(options.name, options.input_shape, 0);
}

namespace {
// 1 for a step with any feature other than the mask value; keep_dims keeps the feature axis.
ValueRef KeptSteps(GraphBuilder& b, ValueRef x, double value, bool keep_dims) {
  return b.Op("ReduceMax", {NotEqualMask(b, x, value)},
              {{"axes", std::vector<int64_t>{-1}}, {"keep_dims", keep_dims}});
}
}  // namespace

ValueRef Masking::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  if (b.type(x).shape.rank() < 3)
    ShapeFail("expected (batch, steps, features...), got " + KerasShapeString(b.type(x).shape));
  return b.Op("Mul", {x, MaskAs(b, KeptSteps(b, x, mask_value_, true), b.type(x).dtype)});
}

std::vector<ValueRef> Masking::ComputeMask(GraphBuilder& b, std::span<const ValueRef> inputs,
                                           std::span<const ValueRef>, size_t n_outputs) const {
  return std::vector<ValueRef>(n_outputs, KeptSteps(b, inputs[0], mask_value_, false));
}

nlohmann::json Masking::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["mask_value"] = mask_value_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Masking '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  nlohmann::json v = c.value("mask_value", nlohmann::json(0.0));
  // Keras 3.8 wrote it as a tensor: {"class_name": "__tensor__", "config": {"value": [0.0]}}.
  if (v.is_object() && v.value("class_name", "") == "__tensor__" && v.contains("config") &&
      v["config"].is_object()) {
    const nlohmann::json value = v["config"].value("value", nlohmann::json());
    v = value.is_array() && value.size() == 1 ? value[0] : value;
  }
  if (!v.is_number()) {
    unsupported.push_back(where + ": mask_value " + v.dump());
    return nullptr;
  }
  return std::make_shared<Masking>(v.get<double>(),
                                   MaskingOptions{config::InputShape(c), config::Name(c)});
}
KILN_REGISTER_LAYER("Masking", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

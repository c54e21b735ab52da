#include "keras/layers/prelu.h"

#include <algorithm>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

PReLU::PReLU(PReLUOptions o) : o_(std::move(o)) {
  InitBase(o_.name, o_.input_shape, 0);
  o_.alpha_initializer.Validate("PReLU '" + name_ + "' alpha_initializer");
}

Shape PReLU::ComputeOutputShape(const Shape& in) const {
  if (in.rank() < 2) ShapeFail("expected an input of rank 2 or more, got " + KerasShapeString(in));
  for (int64_t a : o_.shared_axes)
    if (a < 1 || a >= in.rank())
      ShapeFail("shared axis " + std::to_string(a) + " is not an axis of " + KerasShapeString(in) +
                " (1-based, the batch excluded)");
  return in;
}

void PReLU::BuildWeights(const Shape& in) {
  std::vector<int64_t> dims(in.dims().begin() + 1, in.dims().end());
  for (int64_t a : o_.shared_axes) dims[a - 1] = 1;
  if (std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d <= 0; }))
    ShapeFail("the unshared axes must be known, got " + KerasShapeString(in));
  AddWeight("alpha", o_.alpha_initializer(Shape(dims), "PReLU '" + name_ + "' alpha_initializer"));
}

ValueRef PReLU::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  // relu(x) - alpha * relu(-x): alpha broadcasts over the batch (and the shared axes).
  const ValueRef negative = b.Op("Relu", {b.Op("Neg", {x})});
  return b.Op("Sub", {b.Op("Relu", {x}), b.Op("Mul", {ctx.weights[0], negative})});
}

nlohmann::json PReLU::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["alpha_initializer"] = o_.alpha_initializer.ToConfig();
  c["alpha_regularizer"] = o_.alpha_regularizer;
  c["alpha_constraint"] = o_.alpha_constraint;
  c["shared_axes"] =
      o_.shared_axes.empty() ? nlohmann::json(nullptr) : nlohmann::json(o_.shared_axes);
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "PReLU '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  PReLUOptions o;
  if (c.contains("alpha_initializer"))
    o.alpha_initializer =
        config::ParseInitializer(c["alpha_initializer"], where + " alpha_initializer", unsupported);
  o.alpha_regularizer = config::Kept(c, "alpha_regularizer");
  o.alpha_constraint = config::Kept(c, "alpha_constraint");
  const nlohmann::json shared = c.value("shared_axes", nlohmann::json(nullptr));
  if (shared.is_number_integer()) {
    o.shared_axes = {shared.get<int64_t>()};
  } else if (shared.is_array() && std::all_of(shared.begin(), shared.end(),
                                              [](auto& a) { return a.is_number_integer(); })) {
    o.shared_axes = shared.get<std::vector<int64_t>>();
  } else if (!shared.is_null()) {
    unsupported.push_back(where + ": shared_axes " + shared.dump());
  }
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<PReLU>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("PReLU", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/relu.h"

#include <cmath>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

ValueRef LowerRectifier(GraphBuilder& b, ValueRef x, double slope, std::optional<double> max_value,
                        double threshold) {
  const DType t = b.type(x).dtype;
  ValueRef y;
  if (threshold == 0 && slope == 0) {
    y = b.Op("Relu", {x});
  } else if (threshold == 0 && slope < 1) {
    y = b.Op("Maximum", {x, b.Op("Mul", {x, b.Scalar(slope, t)})});
  } else {
    // mask * x + (1 - mask) * slope * (x - threshold); the mask carries no gradient.
    ValueRef mask =
        b.Op("Cast", {b.Op("GreaterEqual", {x, b.Scalar(threshold, t)})}, {{"dtype", t}});
    ValueRef below = b.Op("Mul", {b.Op("Sub", {x, b.Scalar(threshold, t)}), b.Scalar(slope, t)});
    y = b.Op("Add",
             {b.Op("Mul", {mask, x}), b.Op("Mul", {b.Op("Sub", {b.Scalar(1, t), mask}), below})});
  }
  if (max_value) y = b.Op("Minimum", {y, b.Scalar(*max_value, t)});
  return y;
}

ReLU::ReLU(ReLUOptions o) : o_(std::move(o)) {
  if (o_.max_value && *o_.max_value < 0)
    throw ValueError("max_value of a ReLU layer cannot be a negative value. Received: " +
                     std::to_string(*o_.max_value));
  if (o_.negative_slope < 0 || !std::isfinite(o_.negative_slope))
    throw ValueError("negative_slope of a ReLU layer cannot be a negative value. Received: " +
                     std::to_string(o_.negative_slope));
  if (!std::isfinite(o_.threshold)) throw ValueError("threshold of a ReLU layer must be finite");
  InitBase(o_.name, o_.input_shape, 0);
}

ValueRef ReLU::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  return LowerRectifier(b, x, o_.negative_slope, o_.max_value, o_.threshold);
}

nlohmann::json ReLU::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["max_value"] = o_.max_value ? nlohmann::json(*o_.max_value) : nlohmann::json();
  c["negative_slope"] = o_.negative_slope;
  c["threshold"] = o_.threshold;
  return c;
}

LeakyReLU::LeakyReLU(LeakyReLUOptions o) : alpha_(o.alpha) {
  if (alpha_ < 0 || !std::isfinite(alpha_))
    throw ValueError(
        "The negative_slope value of a Leaky ReLU layer cannot be None or negative, "
        "got " +
        std::to_string(alpha_));
  InitBase(o.name, o.input_shape, 0);
}

ValueRef LeakyReLU::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  return LowerRectifier(b, x, alpha_, std::nullopt, 0);
}

nlohmann::json LeakyReLU::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["alpha"] = alpha_;
  return c;
}

namespace {

std::optional<double> Number(const nlohmann::json& c, const char* key, const std::string& where,
                             std::vector<std::string>& unsupported) {
  if (!c.contains(key) || c[key].is_null()) return std::nullopt;
  if (c[key].is_number()) return c[key].get<double>();
  unsupported.push_back(where + ": " + key + " " + c[key].dump());
  return std::nullopt;
}

std::shared_ptr<Layer> ReLUFromConfig(const nlohmann::json& c,
                                      std::vector<std::string>& unsupported) {
  const std::string where = "ReLU '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  ReLUOptions o{.max_value = Number(c, "max_value", where, unsupported),
                .negative_slope = Number(c, "negative_slope", where, unsupported).value_or(0),
                .threshold = Number(c, "threshold", where, unsupported).value_or(0),
                .input_shape = config::InputShape(c),
                .name = config::Name(c)};
  if ((o.max_value && *o.max_value < 0) || o.negative_slope < 0) {
    unsupported.push_back(where + ": a negative max_value or negative_slope");
    return nullptr;
  }
  return std::make_shared<ReLU>(o);
}
KILN_REGISTER_LAYER("ReLU", ReLUFromConfig);

std::shared_ptr<Layer> LeakyReLUFromConfig(const nlohmann::json& c,
                                           std::vector<std::string>& unsupported) {
  const std::string where = "LeakyReLU '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  // tf.keras writes alpha, Keras 3 negative_slope.
  const double alpha = Number(c, "negative_slope", where, unsupported)
                           .value_or(Number(c, "alpha", where, unsupported).value_or(0.3));
  if (alpha < 0) {
    unsupported.push_back(where + ": a negative alpha");
    return nullptr;
  }
  return std::make_shared<LeakyReLU>(
      LeakyReLUOptions{alpha, config::InputShape(c), config::Name(c)});
}
KILN_REGISTER_LAYER("LeakyReLU", LeakyReLUFromConfig);

}  // namespace
}  // namespace kiln::keras::layers

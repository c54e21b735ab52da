#include "keras/optimizers.h"

#include <algorithm>
#include <cctype>

namespace kiln::keras {

OptimizerRef::OptimizerRef(const char* name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "sgd")
    ptr_ = std::make_shared<optimizers::SGD>();
  else if (n == "rmsprop")
    ptr_ = std::make_shared<optimizers::RMSprop>();
  else if (n == "adam")
    ptr_ = std::make_shared<optimizers::Adam>();
  else
    throw NotFoundError("Unknown optimizer: '" + std::string(name) +
                        "' (known: sgd, rmsprop, adam)");
}

ValueRef Optimizer::Slot(GraphBuilder& b, const std::string& slot, ValueRef param,
                         VariableStore& store, std::optional<Shape> slot_shape) {
  const TensorType t = b.type(param);
  const Shape shape = slot_shape.value_or(t.shape);
  // Under the optimizer's scope this is named "<Optimizer>/<slot>/<variable>", its store key.
  ValueRef v = b.Variable(slot + "/" + b.graph().node(param.node).name, t.dtype, shape);
  const std::string& name = b.graph().node(v.node).name;
  auto existing =
      std::find_if(slots_.begin(), slots_.end(), [&](auto& s) { return s.first == name; });
  if (existing == slots_.end()) {
    slots_.emplace_back(name, Tensor(t.dtype, shape));
    existing = slots_.end() - 1;
  }
  store.Set(name, existing->second);
  return v;
}

namespace optimizers {

SGD::SGD(SGDOptions o)
    : learning_rate_(o.lr.value_or(o.learning_rate)), momentum_(o.momentum), nesterov_(o.nesterov) {
  if (!(learning_rate_ >= 0)) throw ValueError("SGD: learning_rate must be >= 0");
  if (!(momentum_ >= 0)) throw ValueError("SGD: momentum must be >= 0");
}

nlohmann::json SGD::get_config() const {
  return {{"name", "SGD"},
          {"learning_rate", learning_rate_},
          {"decay", 0.0},
          {"momentum", momentum_},
          {"nesterov", nesterov_}};
}

std::vector<int> SGD::Lower(GraphBuilder& b, std::span<const ValueRef> params,
                            std::span<const ValueRef> grads, VariableStore& store) {
  auto scope = b.Scope("SGD");
  std::vector<int> updates;
  ValueRef lr = b.Scalar(learning_rate_, kFloat32, "learning_rate");
  ValueRef m = b.Scalar(momentum_, kFloat32, "momentum");
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string& var_name = b.graph().node(params[i].node).name;
    if (momentum_ == 0) {
      b.OpN("ApplyGradientDescent", {params[i], lr, grads[i]}, {}, "update");
    } else {
      ValueRef v = Slot(b, "velocity", params[i], store);
      b.OpN("ApplyMomentum", {params[i], v, lr, grads[i], m}, {{"use_nesterov", nesterov_}},
            "update");
    }
    updates.push_back(b.graph().capacity() - 1);
  }
  return updates;
}

RMSprop::RMSprop(RMSpropOptions o) : o_(o) {
  o_.learning_rate = o.lr.value_or(o.learning_rate);
  if (!(o_.learning_rate >= 0) || !(o_.rho >= 0 && o_.rho <= 1) || !(o_.epsilon > 0))
    throw ValueError("RMSprop: learning_rate >= 0, rho in [0, 1] and epsilon > 0 are required");
}

nlohmann::json RMSprop::get_config() const {
  return {{"name", "RMSprop"}, {"learning_rate", o_.learning_rate},
          {"decay", 0.0},      {"rho", o_.rho},
          {"momentum", 0.0},   {"epsilon", o_.epsilon},
          {"centered", false}};
}

std::vector<int> RMSprop::Lower(GraphBuilder& b, std::span<const ValueRef> params,
                                std::span<const ValueRef> grads, VariableStore& store) {
  auto scope = b.Scope("RMSprop");
  std::vector<int> updates;
  ValueRef lr = b.Scalar(o_.learning_rate, kFloat32, "learning_rate");
  for (size_t i = 0; i < params.size(); ++i) {
    ValueRef rms = Slot(b, "rms", params[i], store);
    b.OpN("ApplyRMSProp", {params[i], rms, lr, grads[i]},
          {{"rho", o_.rho}, {"epsilon", o_.epsilon}}, "update");
    updates.push_back(b.graph().capacity() - 1);
  }
  return updates;
}

Adam::Adam(AdamOptions o) : o_(o) {
  o_.learning_rate = o.lr.value_or(o.learning_rate);
  if (!(o_.learning_rate >= 0) || !(o_.beta_1 >= 0 && o_.beta_1 < 1) ||
      !(o_.beta_2 >= 0 && o_.beta_2 < 1) || !(o_.epsilon > 0))
    throw ValueError(
        "Adam: learning_rate >= 0, beta_1 and beta_2 in [0, 1) and epsilon > 0 are required");
}

nlohmann::json Adam::get_config() const {
  return {{"name", "Adam"},      {"learning_rate", o_.learning_rate},
          {"decay", 0.0},        {"beta_1", o_.beta_1},
          {"beta_2", o_.beta_2}, {"epsilon", o_.epsilon},
          {"amsgrad", false}};
}

std::vector<int> Adam::Lower(GraphBuilder& b, std::span<const ValueRef> params,
                             std::span<const ValueRef> grads, VariableStore& store) {
  auto scope = b.Scope("Adam");
  std::vector<int> updates;
  ValueRef lr = b.Scalar(o_.learning_rate, kFloat32, "learning_rate");
  for (size_t i = 0; i < params.size(); ++i) {
    ValueRef m = Slot(b, "m", params[i], store), v = Slot(b, "v", params[i], store);
    ValueRef step = Slot(b, "step", params[i], store, Shape{});
    b.OpN("ApplyAdam", {params[i], m, v, step, lr, grads[i]},
          {{"beta_1", o_.beta_1}, {"beta_2", o_.beta_2}, {"epsilon", o_.epsilon}}, "update");
    updates.push_back(b.graph().capacity() - 1);
  }
  return updates;
}

}  // namespace optimizers
}  // namespace kiln::keras

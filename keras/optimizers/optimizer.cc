#include "keras/optimizers/optimizer.h"

#include <algorithm>
#include <cctype>

namespace kiln::keras {
namespace {

// Keras writes what it keeps in a float32 variable rounded: 0.1 as 0.10000000149011612.
double AsFloat32(double v) { return static_cast<double>(static_cast<float>(v)); }

// Keras 3's automatic object names: the class name in snake case ("RMSprop" -> "rm_sprop").
std::string SnakeCase(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = name[i];
    const bool boundary =
        i > 0 && std::isupper(c) &&
        (std::islower(static_cast<unsigned char>(name[i - 1])) ||
         (i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]))));
    if (boundary) out += '_';
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

}  // namespace

UpdateRules RulesOf(OptimizerGeneration g) {
  return g == OptimizerGeneration::kKeras2 ? UpdateRules::kKeras2 : UpdateRules::kKeras3;
}

Optimizer::Optimizer(double learning_rate, UpdateRules rules)
    : rules_(rules),
      learning_rate_(learning_rate),
      learning_rate_value_(Tensor::Scalar<float>(static_cast<float>(learning_rate))) {}

Optimizer::Optimizer(const Optimizer& other)
    : rules_(other.rules_),
      learning_rate_(other.learning_rate_),
      name_(other.name_),
      iterations_(other.iterations_.Clone()),
      learning_rate_value_(other.learning_rate_value_.Clone()) {
  for (const auto& [name, value] : other.slots_) slots_.emplace_back(name, value.Clone());
}

void Optimizer::set_learning_rate(double lr) {
  learning_rate_ = lr;
  *learning_rate_value_.data<float>() = static_cast<float>(lr);
}

std::string Optimizer::keras_name(OptimizerGeneration g) const {
  if (!name_.empty()) return name_;
  return g == OptimizerGeneration::kKeras3 ? SnakeCase(class_name()) : class_name();
}

nlohmann::json Optimizer::keras_config(OptimizerGeneration g) const {
  nlohmann::json own = get_config();
  nlohmann::json config;
  switch (g) {
    case OptimizerGeneration::kKeras2:
      // tf.keras 2.4-2.10 (optimizer_v2), which every tf.keras 2.x and Keras 3 reads.
      config = {{"name", keras_name(g)}, {"learning_rate", learning_rate_}, {"decay", 0.0}};
      break;
    case OptimizerGeneration::kTfKeras:
      config = {{"name", keras_name(g)},
                {"weight_decay", nullptr},
                {"clipnorm", nullptr},
                {"global_clipnorm", nullptr},
                {"clipvalue", nullptr},
                {"use_ema", false},
                {"ema_momentum", 0.99},
                {"ema_overwrite_frequency", nullptr},
                {"jit_compile", false},
                {"is_legacy_optimizer", false},
                {"learning_rate", learning_rate_}};
      break;
    case OptimizerGeneration::kKeras3:
      config = {{"name", keras_name(g)},
                {"learning_rate", learning_rate_},
                {"weight_decay", nullptr},
                {"clipnorm", nullptr},
                {"global_clipnorm", nullptr},
                {"clipvalue", nullptr},
                {"use_ema", false},
                {"ema_momentum", 0.99},
                {"ema_overwrite_frequency", nullptr},
                {"loss_scale_factor", nullptr},
                {"gradient_accumulation_steps", nullptr}};
      break;
  }
  for (auto& [key, value] : own.items()) config[key] = value;
  // What passes through a float32 variable is written rounded (0.1 as 0.10000000149011612): every
  // hyper-parameter in optimizer_v2, only the learning rate in tf.keras 2.11+ and Keras 3, which
  // keep the others as Python floats.
  for (auto& [key, value] : config.items())
    if (value.is_number_float() && (g == OptimizerGeneration::kKeras2 || key == "learning_rate"))
      value = AsFloat32(value.get<double>());
  // Plain class names ("Adam", not tf.keras 2.11's "Custom>Adam"): Keras 3 does not know the
  // "Custom>" ones and would silently fall back to a default-configured optimizer.
  return {{"class_name", class_name()}, {"config", config}};
}

std::vector<int> Optimizer::Lower(GraphBuilder& b, std::span<const ValueRef> params,
                                  std::span<const ValueRef> grads, VariableStore& store) {
  auto scope = b.Scope(class_name());
  ValueRef lr = b.Variable("learning_rate", kFloat32, Shape{});
  store.Set(b.graph().node(lr.node).name, learning_rate_value_);
  ValueRef iterations = b.Variable("iteration", kInt64, Shape{});
  store.Set(b.graph().node(iterations.node).name, iterations_);
  Prepare(b);
  const std::vector<std::string> names = slot_names();
  std::vector<int> updates;
  for (size_t i = 0; i < params.size(); ++i) {
    UpdateArgs a{.var = params[i],
                 .grad = grads[i],
                 .slots = {},
                 .learning_rate = lr,
                 .iterations = iterations};
    for (const std::string& slot : names) a.slots.push_back(Slot(b, slot, params[i], store));
    updates.push_back(EmitUpdate(b, a));
  }
  // The updates read the count from before this step; the executor runs every reader of a value
  // before the op that writes it in place.
  b.OpN("AssignAdd", {iterations, b.Scalar(1, kInt64, "one")}, {}, "iteration_update");
  updates.push_back(b.graph().capacity() - 1);
  return updates;
}

ValueRef Optimizer::Slot(GraphBuilder& b, const std::string& slot, ValueRef param,
                         VariableStore& store) {
  const TensorType t = b.type(param);
  // Under the optimizer's scope this is named "<Optimizer>/<slot>/<variable>", its store key.
  ValueRef v = b.Variable(slot + "/" + b.graph().node(param.node).name, t.dtype, t.shape);
  const std::string& name = b.graph().node(v.node).name;
  auto existing =
      std::find_if(slots_.begin(), slots_.end(), [&](auto& s) { return s.first == name; });
  if (existing == slots_.end()) {
    slots_.emplace_back(name, Tensor(t.dtype, t.shape));
    existing = slots_.end() - 1;
  }
  store.Set(name, existing->second);
  return v;
}

Tensor* Optimizer::FindSlot(const std::string& slot, const std::string& variable) {
  const std::string name = class_name() + "/" + slot + "/" + variable;
  for (auto& [n, value] : slots_)
    if (n == name) return &value;
  return nullptr;
}

}  // namespace kiln::keras

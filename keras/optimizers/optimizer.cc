#include "keras/optimizers/optimizer.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "keras/optimizers/schedules/inverse_time_decay.h"

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

Optimizer::Optimizer(const std::string& class_name, CommonOptions c, UpdateRules rules)
    : rules_(rules),
      learning_rate_(c.learning_rate.value()),
      weight_decay_(c.weight_decay),
      clipnorm_(c.clipnorm),
      clipvalue_(c.clipvalue),
      global_clipnorm_(c.global_clipnorm),
      use_ema_(c.use_ema),
      ema_momentum_(c.ema_momentum),
      ema_overwrite_frequency_(c.ema_overwrite_frequency),
      schedule_(c.learning_rate.schedule()),
      decay_(c.decay),
      learning_rate_value_(Tensor::Scalar<float>(static_cast<float>(learning_rate_))) {
  auto require = [&](bool ok, const std::string& what) {
    if (!ok) throw ValueError(class_name + ": " + what);
  };
  require(learning_rate_ >= 0, "learning_rate must be >= 0, got " + std::to_string(learning_rate_));
  for (const auto& [name, value] :
       {std::pair("weight_decay", weight_decay_), std::pair("clipnorm", clipnorm_),
        std::pair("clipvalue", clipvalue_), std::pair("global_clipnorm", global_clipnorm_)})
    require(!value || *value >= 0,
            std::string(name) + " must be >= 0, got " + std::to_string(value.value_or(0)));
  require(!(clipnorm_.value_or(0) > 0 && global_clipnorm_.value_or(0) > 0),
          "Only one of `clipnorm` and `global_clipnorm` can be set.");
  require(decay_ >= 0, "decay must be >= 0, got " + std::to_string(decay_));
  require(ema_momentum_ >= 0 && ema_momentum_ <= 1,
          "ema_momentum must be in [0, 1], got " + std::to_string(ema_momentum_));
  require(ema_overwrite_frequency_.value_or(1) >= 1,
          "ema_overwrite_frequency must be a positive number of steps, got " +
              std::to_string(ema_overwrite_frequency_.value_or(0)));
  require(!(schedule_ && decay_ > 0), "decay with a learning rate schedule is not supported");
}

Optimizer::Optimizer(const Optimizer& other)
    : rules_(other.rules_),
      learning_rate_(other.learning_rate_),
      weight_decay_(other.weight_decay_),
      clipnorm_(other.clipnorm_),
      clipvalue_(other.clipvalue_),
      global_clipnorm_(other.global_clipnorm_),
      use_ema_(other.use_ema_),
      ema_momentum_(other.ema_momentum_),
      ema_overwrite_frequency_(other.ema_overwrite_frequency_),
      tf_keras_ema_(other.tf_keras_ema_),
      name_(other.name_),
      schedule_(other.schedule_),
      decay_(other.decay_),
      iterations_(other.iterations_.Clone()),
      learning_rate_value_(other.learning_rate_value_.Clone()) {
  for (const auto& [name, value] : other.slots_) slots_.emplace_back(name, value.Clone());
  for (const auto& [name, value] : other.shared_) shared_.emplace_back(name, value.Clone());
}

double Optimizer::learning_rate() const {
  return schedule_ ? (*schedule_)(iterations()) : learning_rate_;
}

void Optimizer::set_learning_rate(double lr) {
  if (schedule_)
    throw TypeError(
        "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
        "constructor argument, hence its learning rate is not settable.");
  learning_rate_ = lr;
  *learning_rate_value_.data<float>() = static_cast<float>(lr);
}

void Optimizer::BeginStep() {
  const int64_t step = iterations();
  float lr = schedule_ ? (*schedule_)(step) : static_cast<float>(learning_rate_);
  // optimizer_v2's _decayed_lr, in float32.
  if (decay_ > 0) lr = lr / (1.0f + static_cast<float>(decay_) * static_cast<float>(step));
  *learning_rate_value_.data<float>() = lr;
  if (use_ema_) {
    // Keras 3: momentum * (iterations != 0), in float32; overwrite when (iterations + 1) % f == 0.
    // tf.keras: the averages start as copies of the weights, and the momentum is always applied.
    if (tf_keras_ema_ && step == 0)
      for (auto& [var, average] : averaged_) average.CopyFrom(var);
    *ema_momentum_value_.data<float>() =
        step == 0 && !tf_keras_ema_ ? 0.f : static_cast<float>(ema_momentum_);
    *ema_overwrite_value_.data<float>() =
        ema_overwrite_frequency_ && (step + 1) % *ema_overwrite_frequency_ == 0 ? 1.f : 0.f;
  }
}

void Optimizer::finalize_variable_values() {
  for (auto& [var, average] : averaged_) var.CopyFrom(average);
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
      config = {{"name", keras_name(g)},        {"weight_decay", nullptr},
                {"clipnorm", nullptr},          {"global_clipnorm", nullptr},
                {"clipvalue", nullptr},         {"jit_compile", false},
                {"is_legacy_optimizer", false}, {"learning_rate", learning_rate_}};
      break;
    case OptimizerGeneration::kKeras3:
      config = {{"name", keras_name(g)},        {"learning_rate", learning_rate_},
                {"weight_decay", nullptr},      {"clipnorm", nullptr},
                {"global_clipnorm", nullptr},   {"clipvalue", nullptr},
                {"loss_scale_factor", nullptr}, {"gradient_accumulation_steps", nullptr}};
      break;
  }
  auto optional = [](const std::optional<double>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  if (g == OptimizerGeneration::kKeras2) {
    // optimizer_v2 writes these only when set, and knows no weight decay.
    if (clipnorm_) config["clipnorm"] = *clipnorm_;
    if (global_clipnorm_) config["global_clipnorm"] = *global_clipnorm_;
    if (clipvalue_) config["clipvalue"] = *clipvalue_;
    config["decay"] = decay_;
  } else {
    config["weight_decay"] = optional(weight_decay_);
    config["clipnorm"] = optional(clipnorm_);
    config["global_clipnorm"] = optional(global_clipnorm_);
    config["clipvalue"] = optional(clipvalue_);
    config["use_ema"] = use_ema_;
    config["ema_momentum"] = ema_momentum_;
    config["ema_overwrite_frequency"] = ema_overwrite_frequency_
                                            ? nlohmann::json(*ema_overwrite_frequency_)
                                            : nlohmann::json(nullptr);
  }
  for (auto& [key, value] : own.items()) config[key] = value;
  // What passes through a float32 variable is written rounded (0.1 as 0.10000000149011612): every
  // hyper-parameter in optimizer_v2, only the learning rate in tf.keras 2.11+ and Keras 3, which
  // keep the others as Python floats.
  for (auto& [key, value] : config.items())
    if (value.is_number_float() && (g == OptimizerGeneration::kKeras2 || key == "learning_rate"))
      value = AsFloat32(value.get<double>());
  if (schedule_) {
    config["learning_rate"] = schedule_->keras_config();
  } else if (decay_ > 0 && g != OptimizerGeneration::kKeras2) {
    // The Kerases without `decay` get the same rate as a schedule: lr / (1 + decay * step / 1).
    config["learning_rate"] =
        optimizers::schedules::InverseTimeDecay(
            {.initial_learning_rate = learning_rate_, .decay_steps = 1, .decay_rate = decay_})
            .keras_config();
  }
  // Plain class names ("Adam", not tf.keras 2.11's "Custom>Adam"): Keras 3 does not know the
  // "Custom>" ones and would silently fall back to a default-configured optimizer. tf.keras finds
  // by plain name only the classes of its deserialize() table; the others (Lion, any user class)
  // only under their registered name, "Custom>" and the class.
  static const std::set<std::string> kTfKerasPlainNames = {
      "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Nadam", "RMSprop", "SGD"};
  const bool registered_name =
      g == OptimizerGeneration::kTfKeras && !kTfKerasPlainNames.count(class_name());
  return {{"class_name", registered_name ? "Custom>" + class_name() : class_name()},
          {"config", config}};
}

std::vector<int> Optimizer::Lower(GraphBuilder& b, std::span<const ValueRef> params,
                                  std::span<const ValueRef> grads, VariableStore& store,
                                  std::span<const Constraint> constraints) {
  auto scope = b.Scope(class_name());
  store_ = &store;
  ValueRef lr = b.Variable("learning_rate", kFloat32, Shape{});
  store.Set(b.graph().node(lr.node).name, learning_rate_value_);
  ValueRef iterations = b.Variable("iteration", kInt64, Shape{});
  store.Set(b.graph().node(iterations.node).name, iterations_);
  std::vector<int> updates = Prepare(b, {.learning_rate = lr, .iterations = iterations});
  ValueRef ema_momentum, ema_overwrite;
  averaged_.clear();
  if (use_ema_) {
    ema_momentum = b.Variable("ema_momentum", kFloat32, Shape{});
    store.Set(b.graph().node(ema_momentum.node).name, ema_momentum_value_);
    ema_overwrite = b.Variable("ema_overwrite", kFloat32, Shape{});
    store.Set(b.graph().node(ema_overwrite.node).name, ema_overwrite_value_);
  }
  const std::vector<ValueRef> clipped = ClippedGradients(b, grads);
  const std::vector<std::string> names = slot_names();
  const bool decays = weight_decay_.value_or(0) != 0;
  for (size_t i = 0; i < params.size(); ++i) {
    UpdateArgs a{.var = params[i],
                 .grad = clipped[i],
                 .slots = {},
                 .learning_rate = lr,
                 .iterations = iterations};
    for (const std::string& slot : names) a.slots.push_back(Slot(b, slot, params[i], store));
    const bool constrained = i < constraints.size() && constraints[i];
    if (!decays && !constrained && !use_ema_)
      if (std::optional<int> fused = EmitFused(b, a)) {
        updates.push_back(*fused);
        continue;
      }
    if (decays) {
      // Keras's _apply_weight_decay, before the update: var - var * wd * lr.
      ValueRef lr_t = b.Op("Cast", {lr}, {{"dtype", b.type(a.var).dtype}});
      a.var = b.Op("Sub",
                   {a.var, b.Op("Mul", {b.Op("Mul", {a.var, Const(b, a, *weight_decay_)}), lr_t})});
    }
    const NewState next = Compose(b, a);
    ValueRef updated = constrained ? constraints[i](b, next.var) : next.var;
    if (use_ema_) {
      // Keras 3 averages the updated weight, then may overwrite the weight with the average:
      // f * average + (1 - f) * weight is one of the two exactly for f = 1 or 0.
      const DType t = b.type(updated).dtype;
      ValueRef avg = Slot(b, "average", params[i], store);
      ValueRef m = b.Op("Cast", {ema_momentum}, {{"dtype", t}});
      ValueRef one = b.Scalar(1, t);
      ValueRef next_avg =
          b.Op("Add", {b.Op("Mul", {m, avg}), b.Op("Mul", {b.Op("Sub", {one, m}), updated})});
      b.OpN("Assign", {avg, next_avg}, {}, "update_average");
      updates.push_back(b.graph().capacity() - 1);
      ValueRef f = b.Op("Cast", {ema_overwrite}, {{"dtype", t}});
      updated =
          b.Op("Add", {b.Op("Mul", {f, next_avg}), b.Op("Mul", {b.Op("Sub", {one, f}), updated})});
      averaged_.emplace_back(store.Get(b.graph().node(params[i].node).name),
                             *FindSlot("average", b.graph().node(params[i].node).name));
    }
    // Assigned after every read of the old state (the executor orders in-place writers last).
    b.OpN("Assign", {params[i], updated}, {}, "update");
    updates.push_back(b.graph().capacity() - 1);
    for (size_t k = 0; k < next.slots.size(); ++k) {
      if (!next.slots[k].valid()) continue;
      b.OpN("Assign", {a.slots[k], next.slots[k]}, {}, "update_" + names[k]);
      updates.push_back(b.graph().capacity() - 1);
    }
  }
  // The updates read the count from before this step; the executor runs every reader of a value
  // before the op that writes it in place.
  b.OpN("AssignAdd", {iterations, b.Scalar(1, kInt64, "one")}, {}, "iteration_update");
  updates.push_back(b.graph().capacity() - 1);
  store_ = nullptr;
  return updates;
}

std::vector<ValueRef> Optimizer::ClippedGradients(GraphBuilder& b,
                                                  std::span<const ValueRef> grads) {
  std::vector<ValueRef> out(grads.begin(), grads.end());
  auto sum_of_squares = [&](ValueRef g) {
    return b.Op("ReduceSum", {b.Op("Square", {g})},
                {{"axes", std::vector<int64_t>{}}, {"keep_dims", false}});
  };
  if (clipnorm_.value_or(0) > 0) {
    // Keras's _clip_by_norm: g * c / max(|g|, c).
    for (ValueRef& g : out) {
      const DType t = b.type(g).dtype;
      ValueRef c = b.Scalar(*clipnorm_, t);
      g = b.Op("Div",
               {b.Op("Mul", {g, c}), b.Op("Maximum", {b.Op("Sqrt", {sum_of_squares(g)}), c})});
    }
  } else if (global_clipnorm_.value_or(0) > 0 && !out.empty()) {
    // Keras's clip_by_global_norm: scale = c * min(1/norm, 1/c) + (norm - norm), NaN for a
    // non-finite norm.
    const DType t = b.type(out[0]).dtype;
    ValueRef total = sum_of_squares(out[0]);
    for (size_t i = 1; i < out.size(); ++i) total = b.Op("Add", {total, sum_of_squares(out[i])});
    ValueRef norm = b.Op("Sqrt", {total});
    ValueRef inverse = b.Op("Div", {b.Scalar(1, t), norm});
    ValueRef scale = b.Op(
        "Add", {b.Op("Mul", {b.Scalar(*global_clipnorm_, t),
                             b.Op("Minimum", {inverse, b.Scalar(1.0 / *global_clipnorm_, t)})}),
                b.Op("Sub", {norm, norm})});
    for (ValueRef& g : out) g = b.Op("Mul", {g, scale});
  } else if (clipvalue_.value_or(0) > 0) {
    for (ValueRef& g : out)
      g = b.Op("ClipByValue", {g}, {{"min", -*clipvalue_}, {"max", *clipvalue_}});
  }
  return out;
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
    Tensor value(t.dtype, t.shape);
    if (const double init = slot_initial_value(slot); init != 0) {
      if (t.dtype == kFloat64)
        std::fill_n(value.data<double>(), value.num_elements(), init);
      else
        std::fill_n(value.data<float>(), value.num_elements(), static_cast<float>(init));
    }
    slots_.emplace_back(name, value);
    existing = slots_.end() - 1;
  }
  store.Set(name, existing->second);
  return v;
}

ValueRef Optimizer::SharedVariable(GraphBuilder& b, const std::string& name, double initial) {
  ValueRef v = b.Variable(name, kFloat32, Shape{});
  const std::string& full = b.graph().node(v.node).name;
  auto existing =
      std::find_if(shared_.begin(), shared_.end(), [&](auto& s) { return s.first == full; });
  if (existing == shared_.end()) {
    shared_.emplace_back(full, Tensor::Scalar<float>(static_cast<float>(initial)));
    existing = shared_.end() - 1;
  }
  store_->Set(full, existing->second);
  return v;
}

Tensor* Optimizer::FindShared(const std::string& name) {
  const std::string full = class_name() + "/" + name;
  for (auto& [n, value] : shared_)
    if (n == full) return &value;
  return nullptr;
}

ValueRef Optimizer::Const(GraphBuilder& b, const UpdateArgs& a, double value) {
  return b.Scalar(value, b.type(a.var).dtype);
}

ValueRef Optimizer::Step(GraphBuilder& b, const UpdateArgs& a, int offset) {
  return b.Op("Cast", {b.Op("Add", {a.iterations, b.Scalar(offset, kInt64)})},
              {{"dtype", b.type(a.var).dtype}});
}

Tensor* Optimizer::FindSlot(const std::string& slot, const std::string& variable) {
  const std::string name = class_name() + "/" + slot + "/" + variable;
  for (auto& [n, value] : slots_)
    if (n == name) return &value;
  return nullptr;
}

}  // namespace kiln::keras

// The Loss value type, the registry of built-in and registered losses, and the reductions.
#include <algorithm>
#include <map>

#include "keras/losses.h"

namespace kiln::keras::losses {
namespace {

using nlohmann::json;

struct Registry {
  std::map<std::string, detail::LossDef> builtin;  // by function name
  std::map<std::string, std::string> function_of;  // alias or class name -> function
  std::map<std::string, std::shared_ptr<const LossFn>> custom;
};
Registry& Losses() {
  static Registry r;
  return r;
}

const detail::LossDef* Find(const std::string& name) {
  Registry& r = Losses();
  auto f = r.function_of.find(name);
  return f == r.function_of.end() ? nullptr : &r.builtin.at(f->second);
}

[[noreturn]] void Unknown(const std::string& name) {
  std::string known;
  for (const std::string& n : KnownNames()) known += (known.empty() ? "" : ", ") + n;
  throw NotFoundError("Unknown loss function: '" + name + "' (known: " + known + ")");
}

const std::vector<std::string> kReductions = {"sum_over_batch_size", "auto", "mean", "sum"};

}  // namespace

namespace detail {

void RegisterBuiltin(LossDef def) {
  Registry& r = Losses();
  r.function_of[def.function] = def.function;
  for (const std::string& a : def.aliases) r.function_of[a] = def.function;
  if (!def.class_name.empty()) r.function_of[def.class_name] = def.function;
  const std::string f = def.function;
  r.builtin[f] = std::move(def);
}

ValueRef MeanLastAxis(GraphBuilder& b, ValueRef x) {
  return b.Op("ReduceMean", {x}, {{"axes", std::vector<int64_t>{-1}}});
}

ValueRef SumLastAxis(GraphBuilder& b, ValueRef x, bool keep_dims) {
  return b.Op("ReduceSum", {x}, {{"axes", std::vector<int64_t>{-1}}, {"keep_dims", keep_dims}});
}

ValueRef LogitsIfProducedBy(GraphBuilder& b, ValueRef y_pred, const std::string& op) {
  const Node& n = b.graph().node(y_pred.node);
  if (n.op != op) return {};
  if (op == "Softmax" && n.attrs.Get<int64_t>("axis") != -1 &&
      n.attrs.Get<int64_t>("axis") != n.outputs[0].shape.rank() - 1)
    return {};
  return n.inputs[0];
}

}  // namespace detail

void Register(const std::string& name, LossFn per_example) {
  if (Find(name)) throw ValueError("losses::Register: '" + name + "' is a Keras loss name");
  if (!per_example) throw ValueError("losses::Register: '" + name + "' has no function");
  Losses().custom[name] = std::make_shared<const LossFn>(std::move(per_example));
}

std::vector<std::string> KnownNames() {
  std::vector<std::string> names;
  for (const auto& [alias, function] : Losses().function_of)
    if (alias.front() >= 'a' && alias.front() <= 'z') names.push_back(alias);
  for (const auto& [name, fn] : Losses().custom) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

Loss::Loss(const char* name) : Loss(std::string(name)) {}

Loss::Loss(const std::string& name) : given_(name) {
  if (const detail::LossDef* def = Find(name)) {
    function_ = def->function;
    per_example_ = std::make_shared<const LossFn>(def->make(def->defaults));
    return;
  }
  auto c = Losses().custom.find(name);
  if (c == Losses().custom.end()) Unknown(name);
  function_ = name;
  per_example_ = c->second;
}

Loss::Loss(std::string name, LossFn per_example)
    : given_(name),
      function_(std::move(name)),
      per_example_(std::make_shared<const LossFn>(std::move(per_example))) {
  if (function_.empty()) throw ValueError("losses::Loss: a custom loss needs a name");
  if (!*per_example_)
    throw ValueError("losses::Loss: custom loss '" + function_ + "' has no function");
}

Loss Loss::FromConfig(const json& config) {
  if (config.is_string()) return Loss(config.get<std::string>());
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw ValueError("losses: a serialized loss is a name or {\"class_name\", \"config\"}, got " +
                     config.dump());
  std::string cls = config["class_name"];
  if (cls.starts_with("Custom>")) cls = cls.substr(7);
  const json args = config.value("config", json::object());
  if (cls == "function" && args.is_string()) return Loss(args.get<std::string>());
  const detail::LossDef* def = Find(cls);
  if (!def || def->class_name != cls) {
    if (Losses().custom.count(cls)) return Loss(cls);
    Unknown(cls);
  }
  if (!args.is_object()) throw ValueError(cls + ": the loss config is not an object");
  Loss l;
  l.given_ = cls;
  l.class_name_ = cls;
  l.function_ = def->function;
  json own = def->defaults;
  for (const auto& [key, value] : args.items()) {
    if (key == "name" || key == "dtype" || key == "fn") continue;
    if (key == "reduction") {
      if (value.is_null() || !value.is_string() ||
          std::find(kReductions.begin(), kReductions.end(), value.get<std::string>()) ==
              kReductions.end())
        throw ValueError(cls + ": reduction " + value.dump() +
                         " is not one Kiln trains with (sum_over_batch_size, auto, mean, sum)");
      l.sum_ = value == "sum";
      l.arguments_["reduction"] = value;
      continue;
    }
    if (!own.contains(key))
      throw ValueError(cls + ": argument '" + key + "' is not one Kiln follows");
    if (key == "axis" && value != -1)
      throw ValueError(cls + ": axis " + value.dump() +
                       ": Kiln's losses reduce the last axis only");
    if (key == "ignore_class" && !value.is_null())
      throw ValueError(cls + ": ignore_class is not supported");
    if (!value.is_null() && own[key].is_number() != value.is_number() && !own[key].is_null())
      throw ValueError(cls + ": argument '" + key + "' must be " +
                       (own[key].is_boolean() ? "a boolean" : "a number") + ", got " +
                       value.dump());
    own[key] = value;
    l.arguments_[key] = value;
  }
  l.per_example_ = std::make_shared<const LossFn>(def->make(own));
  return l;
}

Shape Loss::TargetShape(const Shape& output_shape) const {
  const detail::LossDef* def = Find(function_);
  if (def && def->sparse) {
    std::vector<int64_t> dims(output_shape.dims().begin(), output_shape.dims().end() - 1);
    return Shape(dims);
  }
  return output_shape;
}

ValueRef Loss::PerExample(GraphBuilder& b, ValueRef y_true, ValueRef y_pred) const {
  if (empty()) throw ValueError("compile: an output has no loss");
  return (*per_example_)(b, y_true, y_pred);
}

ValueRef Loss::Lower(GraphBuilder& b, ValueRef y_true, ValueRef y_pred,
                     ValueRef sample_weight) const {
  auto scope = b.Scope("loss");
  ValueRef per_example = PerExample(b, y_true, y_pred);
  if (sample_weight.valid()) {
    // [batch] against [batch, ...]: the weight of each example over its other axes.
    const Shape& s = b.type(per_example).shape;
    std::vector<int64_t> dims(static_cast<size_t>(std::max(s.rank(), 1)), 1);
    dims[0] = -1;
    ValueRef w = s.rank() > 1 ? b.Op("Reshape", {sample_weight}, {{"shape", dims}}) : sample_weight;
    per_example = b.Op("Mul", {per_example, w});
  }
  return b.Op(sum_ ? "ReduceSum" : "ReduceMean", {per_example}, {}, "value");
}

json Loss::Saved(bool keras3) const {
  if (!is_class_form()) return keras3 && Find(function_) ? json(function_) : json(given_);
  json config = {
      {"name", function_},
      {"reduction", arguments_.value("reduction", keras3 ? "sum_over_batch_size" : "auto")}};
  for (const auto& [key, value] : Find(function_)->defaults.items())
    config[key] = arguments_.contains(key) ? arguments_[key] : value;
  if (!keras3) return {{"class_name", class_name_}, {"config", config}};
  return {{"module", "keras.losses"},
          {"class_name", class_name_},
          {"config", config},
          {"registered_name", nullptr}};
}

Loss BinaryCrossentropy(CrossentropyOptions o) {
  return Loss::FromConfig({{"class_name", "BinaryCrossentropy"},
                           {"config",
                            {{"from_logits", o.from_logits},
                             {"label_smoothing", o.label_smoothing},
                             {"reduction", o.reduction}}}});
}

Loss CategoricalCrossentropy(CrossentropyOptions o) {
  return Loss::FromConfig({{"class_name", "CategoricalCrossentropy"},
                           {"config",
                            {{"from_logits", o.from_logits},
                             {"label_smoothing", o.label_smoothing},
                             {"reduction", o.reduction}}}});
}

Loss SparseCategoricalCrossentropy(CrossentropyOptions o) {
  if (o.label_smoothing != 0)
    throw ValueError("SparseCategoricalCrossentropy: Keras has no label_smoothing for it");
  return Loss::FromConfig(
      {{"class_name", "SparseCategoricalCrossentropy"},
       {"config", {{"from_logits", o.from_logits}, {"reduction", o.reduction}}}});
}

Loss Huber(double delta, std::string reduction) {
  return Loss::FromConfig(
      {{"class_name", "Huber"}, {"config", {{"delta", delta}, {"reduction", reduction}}}});
}

}  // namespace kiln::keras::losses

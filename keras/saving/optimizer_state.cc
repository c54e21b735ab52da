#include "keras/saving/optimizer_state.h"

#include <algorithm>

#include "keras/saving/keras_h5.h"

namespace kiln::keras::saving {
namespace {

// One entry of a generation's layout: its name, Kiln's tensor for it (null for state Kiln does
// not keep, written as zeros shaped like `shape`) and the shape Keras expects.
struct Entry {
  std::string name;
  Tensor* value;
  Shape shape;
};

struct TrainableVariable {
  std::string name;  // "dense/kernel"
  Shape shape;
};

// The variables the optimizer updates, in the order Keras builds its optimizer for them
// (model.trainable_variables: layer by layer, weight by weight, a frozen layer's left out, as the
// optimizer has no slots for them).
std::vector<TrainableVariable> TrainableVariables(const Model& model) {
  std::vector<TrainableVariable> out;
  for (const auto& l : model.layers()) {
    const std::vector<bool> mask = l->TrainableMask();
    for (size_t i = 0; i < l->weights().size(); ++i)
      if (mask[i])
        out.push_back({l->name() + "/" + l->weights()[i].name, l->weights()[i].value.shape()});
  }
  return out;
}

std::string Underscored(std::string s) {
  for (char& c : s)
    if (c == '/') c = '_';
  return s;
}

// The slot entries in `g`'s order and names (the step count and learning rate come first).
std::vector<Entry> SlotEntries(Model& model, OptimizerGeneration g) {
  Optimizer& opt = *model.optimizer();
  const std::string cls = opt.keras_name(g);
  const std::vector<TrainableVariable> vars = TrainableVariables(model);
  std::vector<Optimizer::SavedSlot> saved = opt.saved_slots(g);
  if (opt.use_ema()) {
    // The current Kerases create the averages first, before the optimizer's own slots.
    for (auto& s : saved) ++s.group;
    saved.insert(saved.begin(), {"average", "average", 0});
  }
  auto entry = [&](const Optimizer::SavedSlot& s, const TrainableVariable& v) {
    Tensor* value = s.slot.empty() ? nullptr : opt.FindSlot(s.slot, v.name);
    if (!s.slot.empty() && !value)
      throw Error("optimizer " + opt.class_name() + " has no '" + s.slot + "' slot for '" + v.name +
                  "'");
    switch (g) {
      case OptimizerGeneration::kKeras2:
        return Entry{cls + "/" + v.name + "/" + s.keras_name + ":0", value, v.shape};
      case OptimizerGeneration::kTfKeras:
        return Entry{cls + "/" + s.keras_name + "/" + v.name + ":0", value, v.shape};
      case OptimizerGeneration::kKeras3:
        break;
    }
    return Entry{cls + "/" + Underscored(model.name() + "/" + v.name) + "_" + s.keras_name, value,
                 v.shape};
  };
  std::vector<Entry> out;
  if (g == OptimizerGeneration::kKeras2) {
    // optimizer_v2 creates each slot for every variable before the next slot.
    for (const auto& s : saved)
      for (const auto& v : vars) out.push_back(entry(s, v));
  } else {
    // The current Kerases create a group's slots variable by variable, and group after group.
    int groups = 0;
    for (const auto& s : saved) groups = std::max(groups, s.group + 1);
    for (int group = 0; group < groups; ++group)
      for (const auto& v : vars)
        for (const auto& s : saved)
          if (s.group == group) out.push_back(entry(s, v));
  }
  return out;
}

std::string ShapeText(const Shape& s) {
  std::string out = "(";
  for (int i = 0; i < s.rank(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.rank() == 1 ? ",)" : ")");
}

}  // namespace

OptimizerGeneration GenerationOf(const std::string& keras_version,
                                 const nlohmann::json& optimizer_config) {
  if (keras_version.rfind("3", 0) == 0) return OptimizerGeneration::kKeras3;
  const nlohmann::json config = optimizer_config.is_object()
                                    ? optimizer_config.value("config", nlohmann::json::object())
                                    : nlohmann::json::object();
  if (config.is_object() && config.contains("is_legacy_optimizer") &&
      config["is_legacy_optimizer"] == false)
    return OptimizerGeneration::kTfKeras;
  return OptimizerGeneration::kKeras2;
}

OptimizerGeneration GenerationFor(const Optimizer& optimizer, KerasTarget target) {
  if (target == KerasTarget::kKeras3) return OptimizerGeneration::kKeras3;
  // optimizer_v2 has no moving averages.
  return optimizer.follows_optimizer_v2() && !optimizer.use_ema() ? OptimizerGeneration::kKeras2
                                                                  : OptimizerGeneration::kTfKeras;
}

std::string KerasVersionFor(KerasTarget target) {
  return target == KerasTarget::kKeras3 ? "3.15.1" : kWrittenKerasVersion;
}

std::vector<std::pair<std::string, Tensor>> OptimizerState(Model& model, OptimizerGeneration g) {
  if (!model.compiled()) throw ValueError("OptimizerState: the model is not compiled");
  Optimizer& opt = *model.optimizer();
  std::vector<std::pair<std::string, Tensor>> out;
  switch (g) {
    case OptimizerGeneration::kKeras2:
      out.emplace_back(opt.keras_name(g) + "/iter:0", Tensor::Scalar<int64_t>(opt.iterations()));
      break;
    case OptimizerGeneration::kTfKeras:
      out.emplace_back("iteration:0", Tensor::Scalar<int64_t>(opt.iterations()));
      break;
    case OptimizerGeneration::kKeras3: {
      const std::string name = opt.keras_name(g);
      out.emplace_back(name + "/iteration", Tensor::Scalar<int64_t>(opt.iterations()));
      // A schedule is no variable in Keras 3, and is not saved.
      if (!opt.schedule())
        out.emplace_back(name + "/learning_rate",
                         Tensor::Scalar<float>(static_cast<float>(opt.learning_rate())));
      break;
    }
  }
  for (const Entry& e : SlotEntries(model, g))
    out.emplace_back(e.name, e.value ? *e.value : Tensor(kFloat32, e.shape));
  // Keras 3 saves state shared by all variables (Nadam's u_product) after the slots, under the
  // name Keras 3 gives a variable created without one.
  if (g == OptimizerGeneration::kKeras3)
    for (const auto& shared : opt.shared_state()) out.emplace_back("variable", shared.second);
  return out;
}

std::string RestoreOptimizerState(Model& model, OptimizerGeneration g,
                                  const std::vector<Tensor>& values) {
  if (!model.compiled()) return "the model is not compiled";
  Optimizer& opt = *model.optimizer();
  const size_t head = g == OptimizerGeneration::kKeras3 && !opt.schedule() ? 2 : 1;
  std::vector<Entry> slots = SlotEntries(model, g);
  // Handles on the optimizer's shared state (tensors share their storage), written in place.
  std::vector<Tensor> shared;
  shared.reserve(opt.shared_state().size());
  if (g == OptimizerGeneration::kKeras3)
    for (const auto& [name, value] : opt.shared_state()) {
      shared.push_back(value);
      slots.push_back({name, &shared.back(), value.shape()});
    }
  const size_t want = head + slots.size();
  std::vector<Tensor> got = values;
  // Keras 2.3.1's Adam saves a (1,) "vhat" per variable even without amsgrad; tf.keras's own
  // optimizer_v2 drops them the same way.
  if (g == OptimizerGeneration::kKeras2 && got.size() > want) {
    bool vhats = true;
    for (size_t i = want; i < got.size(); ++i) vhats = vhats && got[i].shape() == Shape{1};
    if (vhats) got.resize(want);
  }
  const bool prefix_ok = g != OptimizerGeneration::kKeras2;
  if (got.size() > want || (got.size() < want && !prefix_ok) || got.size() < head)
    return "the optimizer state has " + std::to_string(values.size()) + " entries, " +
           opt.class_name() + " here has " + std::to_string(want);
  if (got[0].rank() != 0 || IsFloating(got[0].dtype()))
    return "the optimizer state's first entry is not an integer step count";
  if (head == 2 && (got[1].rank() != 0 || !IsFloating(got[1].dtype())))
    return "the optimizer state's second entry is not a learning rate";
  for (size_t i = head; i < got.size(); ++i)
    if (got[i].shape() != slots[i - head].shape)
      return "optimizer state entry " + std::to_string(i) + " (" + slots[i - head].name +
             ") has shape " + ShapeText(got[i].shape()) + ", expected " +
             ShapeText(slots[i - head].shape);
  opt.set_iterations(got[0].item<int64_t>());
  if (head == 2) opt.set_learning_rate(got[1].item<double>());
  for (size_t i = head; i < got.size(); ++i)
    if (Tensor* dst = slots[i - head].value) dst->CopyFrom(got[i].astype(dst->dtype()));
  opt.StateRestored(g == OptimizerGeneration::kKeras3 && got.size() == want);
  return "";
}

}  // namespace kiln::keras::saving

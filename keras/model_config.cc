#include "keras/model_config.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "keras/layers/input_layer.h"
#include "keras/layers/layer_registry.h"
#include "keras/losses.h"
#include "keras/metrics.h"

namespace kiln::keras {
namespace {

nlohmann::json ShapeJson(const Shape& s) {
  nlohmann::json a = nlohmann::json::array();
  for (int64_t d : s.dims()) a.push_back(d < 0 ? nlohmann::json() : nlohmann::json(d));
  return a;
}

// A Keras 3 serialized loss or metric as the plain name Kiln knows, when it is one; otherwise
// the object unchanged.
nlohmann::json PlainName(const nlohmann::json& obj) {
  if (!obj.is_object()) return obj;
  const std::string cls = obj.value("class_name", "");
  const nlohmann::json cfg = obj.value("config", nlohmann::json::object());
  // A function (keras.losses.mean_squared_error) is stored by its name.
  if (cls == "function" && cfg.is_string()) return cfg;
  static const std::pair<const char*, const char*> kLosses[] = {
      {"MeanSquaredError", "mean_squared_error"},
      {"MeanAbsoluteError", "mean_absolute_error"},
      {"BinaryCrossentropy", "binary_crossentropy"},
      {"CategoricalCrossentropy", "categorical_crossentropy"},
      {"SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"}};
  for (const auto& [keras_class, name] : kLosses) {
    if (cls != keras_class || !cfg.is_object()) continue;
    // Only the defaults compute what Kiln's named loss computes.
    const bool defaults =
        !cfg.value("from_logits", false) && cfg.value("label_smoothing", 0.0) == 0.0 &&
        cfg.value("reduction", "sum_over_batch_size") == "sum_over_batch_size" &&
        cfg.value("axis", -1) == -1 && cfg.value("ignore_class", nlohmann::json()).is_null();
    return defaults ? nlohmann::json(name) : obj;
  }
  return obj;
}

}  // namespace

namespace {

// tf.keras 2.x's functional form (which Keras 3 also reads): each layer with its calls, each call
// listing [layer, node_index, tensor_index, kwargs] per input. A nested model is written in this
// form too, whatever it is (a Sequential's node count differs between the Kerases in more ways),
// with its calls counted as `target` counts them.
nlohmann::json FunctionalConfig(Model& model, KerasTarget target) {
  // tf.keras counts a nested model's own Input-to-output call as its node 0; Keras 3 does not.
  const int nested_offset = target == KerasTarget::kTfKeras2 ? 1 : 0;
  auto ref = [&](const KerasTensor& t) {
    const bool nested = dynamic_cast<const Model*>(&t.layer()) != nullptr;
    return nlohmann::json::array(
        {t.layer().name(), model.NodeIndex(*t.node()) + (nested ? nested_offset : 0), t.index()});
  };
  // A Sequential's layers() leave out its InputLayer, which the functional form lists.
  std::vector<std::shared_ptr<Layer>> all;
  for (const KerasTensor& t : model.inputs())
    if (std::find(model.layers().begin(), model.layers().end(), t.node()->layer) ==
        model.layers().end())
      all.push_back(t.node()->layer);
  all.insert(all.end(), model.layers().begin(), model.layers().end());
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : all) {
    nlohmann::json e;
    if (auto* inner = dynamic_cast<Model*>(l.get()))
      e = {{"class_name", "Functional"}, {"config", FunctionalConfig(*inner, target)}};
    else
      e = {{"class_name", l->class_name()}, {"config", l->get_config()}};
    e["name"] = l->name();
    e["inbound_nodes"] = nlohmann::json::array();
    for (const auto& node : model.nodes()) {
      if (node->layer != l || node->inputs.empty()) continue;
      nlohmann::json call = nlohmann::json::array();
      nlohmann::json kwargs = nlohmann::json::object();
      if (node->training) kwargs["training"] = *node->training;
      for (const KerasTensor& t : node->inputs) {
        nlohmann::json r = ref(t);
        r.push_back(kwargs);
        call.push_back(r);
      }
      e["inbound_nodes"].push_back(call);
    }
    layers.push_back(e);
  }
  nlohmann::json inputs = nlohmann::json::array(), outputs = nlohmann::json::array();
  for (const KerasTensor& t : model.inputs()) inputs.push_back(ref(t));
  for (const KerasTensor& t : model.outputs()) outputs.push_back(ref(t));
  return {{"name", model.name()},
          {"layers", layers},
          {"input_layers", inputs},
          {"output_layers", outputs}};
}

}  // namespace

nlohmann::json ModelConfig(Model& model, KerasTarget target) {
  model.Build();
  if (model.class_name() != "Sequential" ||
      std::any_of(model.layers().begin(), model.layers().end(),
                  [](const auto& l) { return dynamic_cast<const Model*>(l.get()); }))
    return {{"class_name", "Functional"}, {"config", FunctionalConfig(model, target)}};
  nlohmann::json layers = nlohmann::json::array();
  const KerasTensor& input = model.inputs()[0];
  layers.push_back({{"class_name", "InputLayer"}, {"config", input.layer().get_config()}});
  for (size_t i = 0; i < model.layers().size(); ++i) {
    const auto& l = model.layers()[i];
    nlohmann::json c = l->get_config();
    if (i == 0) c["batch_input_shape"] = ShapeJson(input.shape());
    layers.push_back({{"class_name", l->class_name()}, {"config", c}});
  }
  return {{"class_name", "Sequential"}, {"config", {{"name", model.name()}, {"layers", layers}}}};
}

nlohmann::json TrainingConfig(const Model& model, OptimizerGeneration generation) {
  const std::vector<Model::OutputTraining>& outs = model.output_training();
  const bool keras3 = generation == OptimizerGeneration::kKeras3;
  auto saved_metrics = [keras3](const Model::OutputTraining& o, bool weighted = false) {
    nlohmann::json m = nlohmann::json::array();
    for (const auto& metric : weighted ? o.weighted_metrics : o.metrics)
      m.push_back(metrics::Saved(metric, o.loss.function(), o.shape, keras3));
    return m;
  };
  // weighted_metrics: a list for one output, else a dict by output name (what compile takes).
  nlohmann::json weighted = nullptr;
  if (std::any_of(outs.begin(), outs.end(),
                  [](const auto& o) { return !o.weighted_metrics.empty(); })) {
    if (outs.size() == 1) {
      weighted = saved_metrics(outs[0], true);
    } else {
      weighted = nlohmann::json::object();
      for (const auto& o : outs) weighted[o.name] = saved_metrics(o, true);
    }
  }
  nlohmann::json loss, metrics, weights;
  if (outs.size() == 1) {
    loss = outs[0].loss.Saved(keras3);
    metrics = saved_metrics(outs[0]);
    if (outs[0].weight != 1.0) weights = nlohmann::json::array({outs[0].weight});
  } else {
    // Several outputs: dicts by output name, as Keras writes them for compile(loss={...}). The
    // metrics in each Keras's own form: Keras 3's dict of names; tf.keras's list (in output order)
    // of MeanMetricWrappers named "<output>_<metric>" (from a dict of names tf.keras computes the
    // same but drops the output from the names: "accuracy" for "cls_accuracy").
    loss = weights = nlohmann::json::object();
    metrics = keras3 ? nlohmann::json::object() : nlohmann::json::array();
    for (const auto& o : outs) {
      loss[o.name] = o.loss.Saved(keras3);
      weights[o.name] = o.weight;
      if (keras3) {
        metrics[o.name] = saved_metrics(o);
        continue;
      }
      nlohmann::json list = nlohmann::json::array();
      for (const auto& m : o.metrics) {
        if (!m.class_name().empty()) {
          list.push_back(metrics::Saved(m.Renamed(o.name + "_" + m.name()), o.loss.function(),
                                        o.shape, false));
          continue;
        }
        list.push_back({{"class_name", "MeanMetricWrapper"},
                        {"config",
                         {{"name", o.name + "_" + m.name()},
                          {"dtype", "float32"},
                          {"fn", metrics::Resolve(m, o.loss.function(), o.shape)}}}});
      }
      metrics.push_back(list);
    }
  }
  nlohmann::json tc = {{"loss", loss},
                       {"metrics", metrics},
                       {"weighted_metrics", weighted},
                       {"loss_weights", weights},
                       {"optimizer_config", model.optimizer()->keras_config(generation)}};
  if (generation == OptimizerGeneration::kKeras3) {
    // Keras 3's compile config fields (keras/src/legacy/saving/saving_utils.py).
    tc["run_eagerly"] = false;
    tc["steps_per_execution"] = 1;
    tc["jit_compile"] = false;
  }
  return tc;
}

namespace {

// Nested models deeper than this are refused (a file cannot exhaust the stack).
constexpr int kMaxNesting = 32;

// A reference to a layer call's output: [layer name, node_index, tensor_index].
struct TensorRef {
  std::string layer;
  int node = 0, tensor = 0;
};

std::optional<TensorRef> ParseRef(const nlohmann::json& r) {
  if (!r.is_array() || r.size() < 3 || !r[0].is_string() || !r[1].is_number_integer() ||
      !r[2].is_number_integer())
    return std::nullopt;
  const int64_t node = r[1].get<int64_t>(), tensor = r[2].get<int64_t>();
  if (node < 0 || tensor < 0 || node > (1 << 20) || tensor > (1 << 20)) return std::nullopt;
  return TensorRef{r[0].get<std::string>(), static_cast<int>(node), static_cast<int>(tensor)};
}

// Call arguments Kiln follows: absent, null, Keras's defaults (mask=None, training=None), and a
// boolean `training`, which goes into `training`.
bool Followable(const nlohmann::json& kwargs, std::optional<bool>& training) {
  if (kwargs.is_null()) return true;
  if (!kwargs.is_object()) return false;
  for (const auto& [k, v] : kwargs.items()) {
    if (k == "training" && v.is_boolean())
      training = v.get<bool>();
    else if (!v.is_null())
      return false;
  }
  return true;
}

// Every tensor a Keras 3 call's args hold ({"class_name": "__keras_tensor__", "config":
// {"keras_history": [...]}}), in order, through nested lists; false on anything else.
bool CollectKeras3Tensors(const nlohmann::json& a, std::vector<TensorRef>& out, int depth = 0) {
  if (depth > 8) return false;
  if (a.is_array()) {
    for (const auto& e : a)
      if (!CollectKeras3Tensors(e, out, depth + 1)) return false;
    return true;
  }
  if (!a.is_object() || a.value("class_name", "") != "__keras_tensor__" || !a.contains("config") ||
      !a["config"].is_object())
    return false;
  auto ref = ParseRef(a["config"].value("keras_history", nlohmann::json()));
  if (!ref) return false;
  out.push_back(*ref);
  return true;
}

struct Call {
  std::vector<TensorRef> inputs;
  std::optional<bool> training;
};

// The inputs of one inbound node, in Keras 2's form ([[name, node, tensor, kwargs], ...]) or
// Keras 3's ({"args": [...], "kwargs": {...}}); records what it cannot follow.
Call NodeInputs(const nlohmann::json& node, const std::string& where,
                std::vector<std::string>& unsupported) {
  Call call;
  std::vector<TensorRef>& refs = call.inputs;
  if (node.is_object()) {
    if (!CollectKeras3Tensors(node.value("args", nlohmann::json::array()), refs))
      unsupported.push_back(where + ": call arguments that are not tensors");
    // Keras 3 records the training flag its symbolic build saw (EfficientNet's Dropout layers
    // have training=False), and its Functional replaces it with the mode of every real call
    // (fit's true, predict's false), so the model's mode rules here.
    nlohmann::json kwargs = node.value("kwargs", nlohmann::json());
    if (kwargs.is_object()) {
      // An RNN's initial states follow its sequence, as tf.keras lists them.
      if (kwargs.contains("initial_state") && !kwargs["initial_state"].is_null() &&
          !CollectKeras3Tensors(kwargs["initial_state"], refs))
        unsupported.push_back(where + ": initial_state that is not tensors");
      kwargs.erase("initial_state");
      // The mask Keras 3 recorded is the one its propagation made (from Masking or
      // Embedding(mask_zero)), which Kiln's lowering propagates by the same rules.
      std::vector<TensorRef> mask;
      if (kwargs.contains("mask") && CollectKeras3Tensors(kwargs["mask"], mask))
        kwargs.erase("mask");
    }
    std::optional<bool> ignored;
    if (!Followable(kwargs, ignored))
      unsupported.push_back(where + ": call keyword arguments " + node["kwargs"].dump());
    return call;
  }
  if (!node.is_array()) {
    unsupported.push_back(where + ": an inbound node that is neither a list nor an object");
    return call;
  }
  for (const auto& r : node) {
    auto ref = ParseRef(r);
    if (!ref) {
      unsupported.push_back(where + ": inbound reference " + r.dump());
      continue;
    }
    // tf.keras: an explicit training argument wins over the model's mode.
    if (r.size() > 3 && !Followable(r[3], call.training))
      unsupported.push_back(where + ": call keyword arguments " + r[3].dump());
    refs.push_back(*ref);
  }
  return call;
}

// input_layers / output_layers: a list of references, or one reference on its own.
std::vector<TensorRef> EndpointRefs(const nlohmann::json& j, const std::string& what,
                                    std::vector<std::string>& unsupported) {
  std::vector<TensorRef> out;
  if (j.is_array() && !j.empty() && j[0].is_string()) {
    if (auto r = ParseRef(j)) out.push_back(*r);
  } else if (j.is_array()) {
    for (const auto& e : j)
      if (auto r = ParseRef(e)) out.push_back(*r);
  }
  if (out.empty()) unsupported.push_back("model " + what + ": " + j.dump().substr(0, 200));
  return out;
}

bool IsModelClass(const std::string& cls);

// A Keras 3 operation (keras.src.ops: not_equal, any) written as a node: by its module in a
// .keras config; a legacy .h5 config has no module, and no layer class of that name exists.
bool IsKeras3Op(const nlohmann::json& entry) {
  if (!entry.is_object()) return false;
  if (entry.value("module", "").starts_with("keras.src.ops")) return true;
  const nlohmann::json cls = entry.value("class_name", nlohmann::json());
  return !entry.contains("module") && cls.is_string() && !IsModelClass(cls.get<std::string>()) &&
         !FindLayerFactory(cls.get<std::string>());
}

// The names of the Keras 3 operations (keras.src.ops: not_equal, any) that only compute masks:
// Keras 3 writes its mask propagation into the config as such nodes, feeding `mask` arguments,
// which NodeInputs drops. An operation whose result a layer takes as an input, or the model
// outputs, is not among them (and is refused as any unknown layer).
std::set<std::string> MaskOnlyOps(const nlohmann::json& layer_list, const nlohmann::json& cfg) {
  std::set<std::string> ops, used;
  for (const auto& e : layer_list) {
    if (IsKeras3Op(e)) {
      ops.insert(e.value("name", ""));
      continue;
    }
    if (!e.is_object() || !e.value("inbound_nodes", nlohmann::json()).is_array()) continue;
    for (const auto& node : e["inbound_nodes"]) {
      std::vector<TensorRef> refs;
      if (node.is_object()) {
        CollectKeras3Tensors(node.value("args", nlohmann::json::array()), refs);
        const nlohmann::json kw = node.value("kwargs", nlohmann::json());
        if (kw.is_object() && kw.contains("initial_state"))
          CollectKeras3Tensors(kw["initial_state"], refs);
      } else if (node.is_array()) {
        for (const auto& r : node)
          if (auto ref = ParseRef(r)) refs.push_back(*ref);
      }
      for (const TensorRef& r : refs) used.insert(r.layer);
    }
  }
  std::vector<std::string> unused_reasons;
  for (const char* what : {"output_layers", "input_layers"})
    for (const TensorRef& r : EndpointRefs(cfg.value(what, nlohmann::json()), what, unused_reasons))
      used.insert(r.layer);
  std::set<std::string> out;
  for (const std::string& op : ops)
    if (!used.count(op)) out.insert(op);
  return out;
}

std::unique_ptr<Model> BuildModel(const nlohmann::json& model_config,
                                  std::vector<std::string>& unsupported, int depth);

bool IsModelClass(const std::string& cls) {
  return cls == "Sequential" || cls == "Functional" || cls == "Model";
}

// A layer entry ({"class_name", "config"}), a nested model included; nullptr (with the reason in
// `unsupported`) when Kiln cannot build it.
std::shared_ptr<Layer> LayerFromEntry(const nlohmann::json& entry,
                                      std::vector<std::string>& unsupported, int depth) {
  if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string()) {
    unsupported.push_back("a layer entry without a class_name");
    return nullptr;
  }
  const std::string lc = entry["class_name"].get<std::string>();
  const nlohmann::json lcfg = entry.value("config", nlohmann::json::object());
  if (IsModelClass(lc)) {
    std::unique_ptr<Model> m = BuildModel(entry, unsupported, depth + 1);
    // Keras 3 writes a frozen nested model's own flag; its layers carry theirs in both Kerases.
    if (m && lcfg.is_object() && lcfg.value("trainable", true) == false) m->set_trainable(false);
    return m ? std::shared_ptr<Layer>(std::move(m)) : nullptr;
  }
  const LayerFactory* factory = FindLayerFactory(lc);
  if (!factory) {
    unsupported.push_back("layer '" + config::Name(lcfg) + "' (" + lc + ")");
    return nullptr;
  }
  // A config field of the wrong type ("sparse": null where Keras writes a bool) surfaces here,
  // from whichever layer read it: reported with the layer, as any other unsupported option.
  try {
    std::shared_ptr<Layer> layer = (*factory)(lcfg, unsupported);
    if (layer && lcfg.value("trainable", true) == false) layer->set_trainable(false);
    return layer;
  } catch (const nlohmann::json::exception& e) {
    unsupported.push_back(lc + " '" + config::Name(lcfg) + "': a config field of the wrong type (" +
                          e.what() + ")");
    return nullptr;
  }
}

std::unique_ptr<Model> BuildSequential(const nlohmann::json& cfg,
                                       std::vector<std::string>& unsupported, int depth) {
  const nlohmann::json layer_list =
      cfg.is_array() ? cfg : cfg.value("layers", nlohmann::json::array());
  std::string name = cfg.is_object() ? cfg.value("name", "") : "";
  auto model = std::make_unique<Sequential>(std::vector<LayerRef>{}, name);
  const size_t before = unsupported.size();
  std::vector<std::shared_ptr<Layer>> layers;
  for (const auto& entry : layer_list)
    if (auto layer = LayerFromEntry(entry, unsupported, depth)) layers.push_back(layer);
  if (unsupported.size() != before) return nullptr;
  for (auto& l : layers) model->add(LayerRef(l));
  return model;
}

std::unique_ptr<Model> BuildFunctional(const nlohmann::json& cfg,
                                       std::vector<std::string>& unsupported, int depth) {
  if (!cfg.is_object()) {
    unsupported.push_back("a functional model config that is not an object");
    return nullptr;
  }
  const nlohmann::json layer_list = cfg.value("layers", nlohmann::json::array());
  const size_t before = unsupported.size();
  struct Entry {
    std::string name;
    std::shared_ptr<Layer> layer;
    std::vector<Call> calls;
    size_t next = 0;  // calls made so far
  };
  std::vector<Entry> entries;
  std::vector<size_t> hidden_first_node;  // nested models tf.keras counts a call of their own for
  std::map<std::string, size_t> index;
  // Each call's outputs, by layer name and node index.
  std::map<std::string, std::vector<std::vector<KerasTensor>>> produced;
  const std::set<std::string> mask_ops = MaskOnlyOps(layer_list, cfg);
  for (const auto& e : layer_list) {
    if (e.is_object() && mask_ops.count(e.value("name", ""))) continue;
    std::shared_ptr<Layer> layer = LayerFromEntry(e, unsupported, depth);
    if (!layer) continue;
    Entry entry{e.is_object() ? e.value("name", layer->name()) : layer->name(), layer, {}, 0};
    if (!index.emplace(entry.name, entries.size()).second)
      unsupported.push_back("layer name '" + entry.name + "' used twice");
    const std::string where = layer->class_name() + " '" + entry.name + "'";
    const nlohmann::json nodes =
        e.is_object() ? e.value("inbound_nodes", nlohmann::json::array()) : nlohmann::json();
    if (!nodes.is_array()) unsupported.push_back(where + ": inbound_nodes is not a list");
    for (const auto& node : nodes.is_array() ? nodes : nlohmann::json::array())
      entry.calls.push_back(NodeInputs(node, where, unsupported));
    if (layer->class_name() == "InputLayer") produced[entry.name].push_back({InputTensor(layer)});
    // tf.keras counts a nested model's own Input-to-output call as its node 0, which the file
    // does not list, for a model built on an Input (a Functional, or a Sequential whose first
    // layer is an InputLayer): the outer model's calls of it are nodes 1, 2, ... Keras 3 does not
    // (its first call is node 0), in its {args, kwargs} nodes and in the list form it reads and
    // writes in legacy .h5 files alike.
    if (auto* inner = dynamic_cast<Model*>(layer.get())) {
      const bool keras3 = nodes.is_array() && !nodes.empty() && nodes[0].is_object();
      const nlohmann::json inner_cfg = e.value("config", nlohmann::json());
      const nlohmann::json inner_layers = inner_cfg.is_object()
                                              ? inner_cfg.value("layers", nlohmann::json::array())
                                              : nlohmann::json::array();
      const bool starts_with_input = !inner_layers.empty() && inner_layers[0].is_object() &&
                                     inner_layers[0].value("class_name", "") == "InputLayer";
      if (!keras3 && (inner->class_name() == "Functional" || starts_with_input))
        hidden_first_node.push_back(entries.size());
    }
    entries.push_back(std::move(entry));
  }
  if (unsupported.size() != before) return nullptr;
  // A list-form file refers to a nested model's node 0 only when it follows Keras 3's count
  // (tf.keras's node 0 is internal): then there is no hidden node.
  auto endpoints = [&](const char* what) {
    return EndpointRefs(cfg.value(what, nlohmann::json()), what, unsupported);
  };
  const std::vector<TensorRef> input_refs = endpoints("input_layers"),
                               output_refs = endpoints("output_layers");
  std::set<std::string> node0;
  for (const Entry& e : entries)
    for (const Call& call : e.calls)
      for (const TensorRef& r : call.inputs)
        if (r.node == 0) node0.insert(r.layer);
  for (const auto* refs : {&input_refs, &output_refs})
    for (const TensorRef& r : *refs)
      if (r.node == 0) node0.insert(r.layer);
  for (size_t i : hidden_first_node)
    if (!node0.count(entries[i].name))
      produced[entries[i].name].push_back(dynamic_cast<Model&>(*entries[i].layer).outputs());
  // Calls in file order as far as their inputs exist, pass after pass, as Keras's loader does.
  auto resolve = [&](const TensorRef& r) -> const KerasTensor* {
    auto it = produced.find(r.layer);
    if (it == produced.end() || r.node >= static_cast<int>(it->second.size()) ||
        r.tensor >= static_cast<int>(it->second[r.node].size()))
      return nullptr;
    return &it->second[r.node][r.tensor];
  };
  for (bool progress = true; progress;) {
    progress = false;
    for (Entry& e : entries) {
      while (e.next < e.calls.size()) {
        std::vector<KerasTensor> args;
        const Call& call = e.calls[e.next];
        for (const TensorRef& r : call.inputs)
          if (const KerasTensor* t = resolve(r)) args.push_back(*t);
        if (args.size() != call.inputs.size()) break;
        produced[e.name].push_back(LayerRef(e.layer).CallAll(args, call.training));
        ++e.next;
        progress = true;
      }
    }
  }
  for (const Entry& e : entries)
    if (e.next < e.calls.size()) {
      std::string missing;
      for (const TensorRef& r : e.calls[e.next].inputs)
        if (!resolve(r))
          missing +=
              " " + r.layer + "[" + std::to_string(r.node) + "][" + std::to_string(r.tensor) + "]";
      unsupported.push_back("layer '" + e.name + "': inbound node " + std::to_string(e.next) +
                            " refers to tensors no layer produces:" + missing);
    }
  std::vector<KerasTensor> inputs, outputs;
  for (const auto& [what, refs, list] : {std::tuple{"input_layers", &input_refs, &inputs},
                                         std::tuple{"output_layers", &output_refs, &outputs}})
    for (const TensorRef& r : *refs) {
      if (const KerasTensor* t = resolve(r))
        list->push_back(*t);
      else
        unsupported.push_back(std::string(what) + ": no tensor " + r.layer + "[" +
                              std::to_string(r.node) + "][" + std::to_string(r.tensor) + "]");
    }
  if (unsupported.size() != before) return nullptr;
  return std::make_unique<Model>(
      ModelOptions{.inputs = inputs, .outputs = outputs, .name = cfg.value("name", "")});
}

std::unique_ptr<Model> BuildModel(const nlohmann::json& model_config,
                                  std::vector<std::string>& unsupported, int depth) {
  if (depth > kMaxNesting) {
    unsupported.push_back("models nested more than " + std::to_string(kMaxNesting) + " deep");
    return nullptr;
  }
  if (!model_config.is_object() || !model_config.contains("class_name") ||
      !model_config["class_name"].is_string() || !model_config.contains("config"))
    throw Error("model_config is not a Keras model config (no class_name/config)");
  const std::string cls = model_config["class_name"].get<std::string>();
  const nlohmann::json& cfg = model_config["config"];
  if (cls == "Sequential") return BuildSequential(cfg, unsupported, depth);
  if (cls == "Model" || cls == "Functional") return BuildFunctional(cfg, unsupported, depth);
  throw Error("model_config: unsupported model class '" + cls + "'");
}

}  // namespace

namespace {

bool HasStatefulLayer(const nlohmann::json& j, int depth = 0) {
  if (depth > 64) return false;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      if ((k == "stateful" && v.is_boolean() && v.get<bool>()) || HasStatefulLayer(v, depth + 1))
        return true;
  } else if (j.is_array()) {
    for (const auto& v : j)
      if (HasStatefulLayer(v, depth + 1)) return true;
  }
  return false;
}

// The config with every recorded batch size open (None), as Keras treats a batch size it does not
// need: it predicts any number of samples with such a file (a warning at most).
void OpenBatchSizes(nlohmann::json& j, int depth = 0) {
  if (depth > 64) return;
  if (j.is_object()) {
    for (auto& [k, v] : j.items()) {
      if ((k == "batch_input_shape" || k == "batch_shape") && v.is_array() && !v.empty())
        v[0] = nullptr;
      else
        OpenBatchSizes(v, depth + 1);
    }
  } else if (j.is_array()) {
    for (auto& v : j) OpenBatchSizes(v, depth + 1);
  }
}

}  // namespace

std::unique_ptr<Model> ModelFromConfig(const nlohmann::json& model_config) {
  std::vector<std::string> unsupported;
  std::unique_ptr<Model> model;
  try {
    // A fixed batch size is kept only where a stateful layer needs it.
    if (HasStatefulLayer(model_config)) {
      model = BuildModel(model_config, unsupported, 0);
    } else {
      nlohmann::json open = model_config;
      OpenBatchSizes(open);
      model = BuildModel(open, unsupported, 0);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("model_config: a field of the wrong type (") + e.what() + ")");
  }
  if (!unsupported.empty() || !model) {
    std::string msg =
        "cannot build this model: " + std::to_string(unsupported.size()) + " unsupported item(s):";
    for (const auto& u : unsupported) msg += "\n  - " + u;
    msg += "\n(supported layers:";
    for (const auto& c : RegisteredLayerClasses()) msg += " " + c;
    throw Error(msg + ")");
  }
  return model;
}

nlohmann::json TrainingConfigFromCompileConfig(const nlohmann::json& cc) {
  if (!cc.is_object() || cc.empty() || !cc.contains("optimizer")) return nullptr;
  nlohmann::json opt = cc["optimizer"];
  // compile(optimizer="adam") keeps the name; an optimizer object is serialized with its config.
  if (opt.is_string()) opt = {{"class_name", opt}, {"config", nlohmann::json::object()}};
  nlohmann::json tc = {{"optimizer_config",
                        {{"class_name", opt.is_object() ? opt.value("class_name", "?") : "?"},
                         {"config", opt.is_object() ? opt.value("config", nlohmann::json::object())
                                                    : nlohmann::json::object()}}}};
  tc["loss"] = PlainName(cc.value("loss", nlohmann::json()));
  nlohmann::json metrics = cc.value("metrics", nlohmann::json());
  if (metrics.is_array())
    for (auto& m : metrics) m = PlainName(m);
  tc["metrics"] = metrics.is_null() ? nlohmann::json::array() : metrics;
  for (const char* k : {"loss_weights", "weighted_metrics"}) tc[k] = cc.value(k, nlohmann::json());
  return tc;
}

namespace {

std::string CompileFromTrainingConfigOrThrow(Model& model, const nlohmann::json& tc,
                                             UpdateRules rules) {
  if (!tc.is_object()) return "training_config is not an object; the model is not compiled";
  const nlohmann::json opt = tc.value("optimizer_config", nlohmann::json::object());
  std::shared_ptr<Optimizer> optimizer;
  try {
    optimizer = OptimizerFromConfig(opt, rules);
  } catch (const NotFoundError&) {
    return "the optimizer " + opt.value("class_name", std::string("?")) +
           " is not supported by Kiln; the model is loaded uncompiled";
  } catch (const ValueError& e) {
    return std::string(e.what()) + "; the model is loaded uncompiled";
  }
  const std::string uncompiled = "; the model is loaded uncompiled";
  // loss, loss_weights and metrics in each of Keras's forms: one, a list, or a dict by output.
  // A list of metrics: names or serialized metric objects (metrics::Metric::FromConfig).
  auto metric_list = [](const nlohmann::json& j, std::vector<metrics::Metric>& out) {
    if (j.is_null()) return;
    for (const auto& e : j.is_array() ? j : nlohmann::json::array({j}))
      out.push_back(metrics::Metric::FromConfig(e));
  };

  CompileOptions options{.optimizer = optimizer};
  // A loss: a name or a serialized Loss ({"class_name", "config"}); one, a list, or a dict by
  // output (a dict without "class_name").
  const nlohmann::json loss = tc.value("loss", nlohmann::json());
  try {
    if (loss.is_string() || (loss.is_object() && loss.contains("class_name"))) {
      options.loss = losses::Loss::FromConfig(loss);
    } else if (loss.is_object() && !loss.empty()) {
      std::map<std::string, losses::Loss> by_name;
      for (const auto& [k, v] : loss.items()) by_name[k] = losses::Loss::FromConfig(v);
      options.loss = by_name;
    } else if (loss.is_array() && !loss.empty()) {
      std::vector<losses::Loss> list;
      for (const auto& v : loss) list.push_back(losses::Loss::FromConfig(v));
      options.loss = list;
    } else {
      return "the training_config's loss is not a loss name, list or dict" + uncompiled;
    }
  } catch (const Error& e) {
    return "the training_config's loss: " + std::string(e.what()) + uncompiled;
  }
  // tf.keras 2.x writes a multi-output model's metrics as one list per output (in output order)
  // of serialized MeanMetricWrappers named "<output>_<metric>": back to Keras's dict of names.
  const std::vector<std::string> outputs = model.output_names();
  auto parse_metrics = [&](nlohmann::json metrics) {
    if (metrics.is_array() && metrics.size() == outputs.size() && outputs.size() > 1 &&
        std::all_of(metrics.begin(), metrics.end(), [](const auto& e) { return e.is_array(); })) {
      nlohmann::json by_output = nlohmann::json::object();
      for (size_t i = 0; i < outputs.size(); ++i) {
        nlohmann::json& names = by_output[outputs[i]] = nlohmann::json::array();
        for (const nlohmann::json& m : metrics[i]) {
          const std::string prefix = outputs[i] + "_";
          std::string name = m.is_string() ? m.get<std::string>() : "";
          const bool object = m.is_object() && m.contains("config") && m["config"].is_object();
          if (object && m.value("class_name", "") == "MeanMetricWrapper")
            name = m["config"].value("name", "");
          if (name.starts_with(prefix)) name = name.substr(prefix.size());
          if (object && m.value("class_name", "") != "MeanMetricWrapper") {
            // A metric object: its config's name loses the output prefix the same way.
            nlohmann::json o = m;
            const std::string n = o["config"].value("name", "");
            if (n.starts_with(prefix)) o["config"]["name"] = n.substr(prefix.size());
            names.push_back(o);
            continue;
          }
          names.push_back(name.empty() ? m : nlohmann::json(name));
        }
      }
      metrics = by_output;
    }
    if (metrics.is_object()) {
      std::map<std::string, std::vector<metrics::Metric>> by_name;
      for (const auto& [k, v] : metrics.items()) metric_list(v, by_name[k]);
      return MetricsSpec(by_name);
    }
    std::vector<metrics::Metric> all;
    metric_list(metrics, all);
    return MetricsSpec(all);
  };
  for (const char* key : {"metrics", "weighted_metrics"}) {
    try {
      (std::string(key) == "metrics" ? options.metrics : options.weighted_metrics) =
          parse_metrics(tc.value(key, nlohmann::json::array()));
    } catch (const Error& e) {
      return "the training_config's " + std::string(key) + ": " + e.what() + uncompiled;
    }
  }
  const nlohmann::json weights = tc.value("loss_weights", nlohmann::json());
  if (weights.is_object()) {
    std::map<std::string, double> by_name;
    for (const auto& [k, v] : weights.items()) {
      if (!v.is_number()) return "the training_config's loss_weights are not numbers" + uncompiled;
      by_name[k] = v.get<double>();
    }
    options.loss_weights = by_name;
  } else if (weights.is_array()) {
    std::vector<double> list;
    for (const auto& v : weights) {
      if (!v.is_number()) return "the training_config's loss_weights are not numbers" + uncompiled;
      list.push_back(v.get<double>());
    }
    options.loss_weights = list;
  } else if (!weights.is_null()) {
    return "the training_config's loss_weights are not a list or dict" + uncompiled;
  }
  try {
    model.compile(std::move(options));
  } catch (const Error& e) {
    return std::string("cannot compile from training_config: ") + e.what();
  }
  return "";
}

}  // namespace

std::string CompileFromTrainingConfig(Model& model, const nlohmann::json& tc, UpdateRules rules) {
  try {
    return CompileFromTrainingConfigOrThrow(model, tc, rules);
  } catch (const nlohmann::json::exception& e) {
    return std::string("training_config: a field of the wrong type (") + e.what() +
           "); the model is loaded uncompiled";
  }
}

}  // namespace kiln::keras

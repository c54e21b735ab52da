#include "keras/model_config.h"

#include <cmath>

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

// Options of tf.keras 2.11+ and Keras 3 optimizers that change the update and that Kiln does not
// implement; an empty string when none is set. (ema_overwrite_frequency only matters with use_ema,
// and loss_scale_factor scales the loss and unscales the gradients, which changes no update.)
std::string UnsupportedOptimizerOptions(const nlohmann::json& oc) {
  std::string out;
  for (const char* k :
       {"weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "gradient_accumulation_steps"})
    if (oc.contains(k) && !oc[k].is_null() && !(oc[k].is_number() && oc[k].get<double>() == 0))
      out += std::string(out.empty() ? "" : ", ") + k;
  if (oc.value("use_ema", false)) out += std::string(out.empty() ? "" : ", ") + "use_ema";
  for (const char* k : {"learning_rate", "lr"})
    if (oc.contains(k) && !oc[k].is_number())
      out += std::string(out.empty() ? "" : ", ") + k + " schedule";
  return out;
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

nlohmann::json ModelConfig(Model& model) {
  model.Build();
  nlohmann::json layers = nlohmann::json::array();
  layers.push_back({{"class_name", "InputLayer"},
                    {"config",
                     {{"batch_input_shape", ShapeJson(model.input_shape())},
                      {"dtype", std::string(DTypeName(model.input_dtype()))},
                      {"sparse", false},
                      {"ragged", false},
                      {"name", model.input_name()}}}});
  for (size_t i = 0; i < model.layers().size(); ++i) {
    const auto& l = model.layers()[i];
    nlohmann::json c = l->get_config();
    if (i == 0) c["batch_input_shape"] = ShapeJson(model.input_shape());
    layers.push_back({{"class_name", l->class_name()}, {"config", c}});
  }
  return {{"class_name", "Sequential"}, {"config", {{"name", model.name()}, {"layers", layers}}}};
}

nlohmann::json TrainingConfig(const Model& model, OptimizerGeneration generation) {
  const CompileOptions& o = model.compile_options();
  const Shape output = model.layers().back()->output_shape();
  std::vector<std::string> metrics;
  for (const auto& m : o.metrics) metrics.push_back(metrics::SavedName(m, o.loss, output));
  nlohmann::json tc = {{"loss", o.loss},
                       {"metrics", metrics},
                       {"weighted_metrics", nullptr},
                       {"loss_weights", nullptr},
                       {"optimizer_config", model.optimizer()->keras_config(generation)}};
  if (generation == OptimizerGeneration::kKeras3) {
    // Keras 3.15's .h5 loader cannot deserialize the alias "mse" (its own files with loss="mse"
    // fail to load compiled); the full name loads.
    tc["loss"] = losses::Canonical(o.loss);
    // Keras 3's compile config fields (keras/src/legacy/saving/saving_utils.py).
    tc["run_eagerly"] = false;
    tc["steps_per_execution"] = 1;
    tc["jit_compile"] = false;
  }
  return tc;
}

std::vector<std::string> RegularizerWarnings(const nlohmann::json& model_config) {
  std::vector<std::string> out;
  if (!model_config.is_object() || !model_config.contains("config")) return out;
  // Written defensively: this runs on configs that may be malformed.
  auto name_of = [](const nlohmann::json& j) {
    return j.is_object() && j.contains("class_name") && j["class_name"].is_string()
               ? j["class_name"].get<std::string>()
               : std::string("?");
  };
  const nlohmann::json& cfg = model_config["config"];
  const nlohmann::json layers = cfg.is_array()    ? cfg
                                : cfg.is_object() ? cfg.value("layers", nlohmann::json::array())
                                                  : nlohmann::json::array();
  for (const auto& layer : layers) {
    if (!layer.is_object() || !layer.contains("config") || !layer["config"].is_object()) continue;
    const nlohmann::json& lc = layer["config"];
    for (const auto& [key, value] : lc.items()) {
      const bool regularizer = key.size() > 12 && key.ends_with("_regularizer");
      const bool constraint = key.size() > 11 && key.ends_with("_constraint");
      if ((!regularizer && !constraint) || value.is_null()) continue;
      const std::string what = value.is_object()   ? name_of(value)
                               : value.is_string() ? value.get<std::string>()
                                                   : value.dump();
      out.push_back(name_of(layer) + " '" + config::Name(lc) + "': " + key + " " + what +
                    " is kept but not applied in training yet");
    }
  }
  return out;
}

std::unique_ptr<Sequential> ModelFromConfig(const nlohmann::json& model_config) {
  if (!model_config.is_object() || !model_config.contains("class_name") ||
      !model_config.contains("config"))
    throw Error("model_config is not a Keras model config (no class_name/config)");
  const std::string cls = model_config["class_name"].get<std::string>();
  const nlohmann::json& cfg = model_config["config"];
  std::vector<std::string> unsupported;
  nlohmann::json layer_list;
  std::string name;
  if (cls == "Sequential") {
    layer_list = cfg.is_array() ? cfg : cfg.value("layers", nlohmann::json::array());
    if (cfg.is_object()) name = cfg.value("name", "");
  } else if (cls == "Model" || cls == "Functional") {
    // A chain: every layer's single inbound node comes from the layer before it.
    layer_list = cfg.value("layers", nlohmann::json::array());
    name = cfg.value("name", "");
    for (size_t i = 0; i < layer_list.size(); ++i) {
      const auto& nodes = layer_list[i].value("inbound_nodes", nlohmann::json::array());
      bool chain = i == 0 ? nodes.empty() : nodes.size() == 1;
      if (chain && i > 0) {
        std::string from;
        const auto& node = nodes[0];
        if (node.is_array() && node.size() == 1 && node[0].is_array() && !node[0].empty() &&
            node[0][0].is_string())
          from = node[0][0].get<std::string>();
        else if (node.is_object() && node.contains("args"))  // Keras 3 form
          from = node["args"].dump();
        chain = from == layer_list[i - 1].value("name", "") ||
                from.find("\"" + layer_list[i - 1].value("name", "") + "\"") != std::string::npos;
      }
      if (!chain)
        unsupported.push_back("layer '" + layer_list[i].value("name", "?") +
                              "': not part of a chain (only sequential functional models load)");
    }
  } else {
    throw Error("model_config: unsupported model class '" + cls + "'");
  }
  auto model = std::make_unique<Sequential>(std::vector<LayerRef>{}, name);
  for (const auto& entry : layer_list) {
    const std::string lc = entry.value("class_name", "?");
    const nlohmann::json lcfg = entry.value("config", nlohmann::json::object());
    const LayerFactory* factory = FindLayerFactory(lc);
    if (!factory) {
      unsupported.push_back("layer '" + config::Name(lcfg) + "' (" + lc + ")");
      continue;
    }
    std::shared_ptr<Layer> layer = (*factory)(lcfg, unsupported);
    if (layer && unsupported.empty()) model->add(LayerRef(layer));
  }
  if (!unsupported.empty()) {
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

std::string CompileFromTrainingConfig(Model& model, const nlohmann::json& tc, UpdateRules rules) {
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
  if (!tc.contains("loss") || !tc["loss"].is_string())
    return "the training_config's loss is not a single loss name; the model is loaded uncompiled";
  std::vector<std::string> metrics;
  for (const auto& m : tc.value("metrics", nlohmann::json::array()))
    if (m.is_string())
      metrics.push_back(m.get<std::string>());
    else
      return "the training_config's metrics are not plain names; the model is loaded uncompiled";
  try {
    model.compile(
        {.optimizer = optimizer, .loss = tc["loss"].get<std::string>(), .metrics = metrics});
  } catch (const Error& e) {
    return std::string("cannot compile from training_config: ") + e.what();
  }
  return "";
}

}  // namespace kiln::keras

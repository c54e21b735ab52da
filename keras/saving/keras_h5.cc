#include "keras/saving/keras_h5.h"

#include <zip.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>

#include "graph/logging.h"
#include "io/atomic_file.h"
#include "io/h5.h"
#include "io/kiln_graph.h"
#include "io/regular_file.h"
#include "keras/layers/batch_normalization.h"
#include "keras/model_config.h"
#include "keras/saving/kiln_export.h"
#include "keras/saving/optimizer_state.h"

namespace kiln::keras::saving {
namespace {

// Whether any layer config in `j` names activation `name` (as a string or a serialized object).
bool UsesActivation(const nlohmann::json& j, const std::string& name, int depth = 0) {
  if (depth > 64) return false;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if ((k == "activation" || k == "recurrent_activation") &&
          ((v.is_string() && v.get<std::string>() == name) ||
           (v.is_object() && v.value("class_name", "") == name) ||
           (v.is_object() && v.value("config", nlohmann::json()).is_string() &&
            v["config"].get<std::string>() == name)))
        return true;
      if (UsesActivation(v, name, depth + 1)) return true;
    }
  } else if (j.is_array()) {
    for (const auto& v : j)
      if (UsesActivation(v, name, depth + 1)) return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------
// .keras archives

bool IsZip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char sig[4] = {};
  return in.read(sig, 4) && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 3 && sig[3] == 4;
}

// ------------------------------------------------------------------------------------------
// Weights

std::vector<Layer*> LayersWithWeights(Model& model) {
  std::vector<Layer*> out;
  for (const auto& l : model.layers())
    if (!l->weights().empty()) out.push_back(l.get());
  return out;
}

// The legacy .h5 order of a layer's weights (tf.keras's and Keras 3's _legacy_weights: trainable
// ones first). The same as the layer's own order for every single layer; for a nested model,
// whose weights are its layers' in layer order, its moving statistics go last.
std::vector<size_t> LegacyOrder(const Layer& l) {
  std::vector<size_t> order;
  for (bool trainable : {true, false})
    for (size_t i = 0; i < l.weights().size(); ++i)
      if (l.weights()[i].trainable == trainable) order.push_back(i);
  return order;
}

// A layer's saved values and where they came from, for messages ("layers/dense_1/vars").
struct SavedLayer {
  Layer* layer;
  std::vector<Tensor> values;
  std::string source;
};

// Checks every pair first and assigns only when all fit, so a bad file never half-loads a model.
void AssignAll(const std::string& path, const std::vector<SavedLayer>& pairs) {
  for (const auto& [layer, values, source] : pairs) {
    const std::string at = source.empty() ? "" : " (stored at " + source + ")";
    if (values.size() != layer->weights().size())
      throw IOError(path + ": layer '" + layer->name() + "' expects " +
                    std::to_string(layer->weights().size()) + " weight(s), the file has " +
                    std::to_string(values.size()) + at);
    for (size_t i = 0; i < values.size(); ++i)
      if (values[i].shape() != layer->weights()[i].value.shape())
        throw IOError(path + ": shape mismatch in layer '" + layer->name() + "' for weight '" +
                      layer->weights()[i].name + "': the model expects " +
                      KerasShapeString(layer->weights()[i].value.shape()) + ", the file has " +
                      KerasShapeString(values[i].shape()) + at);
  }
  for (const auto& [layer, values, source] : pairs)
    for (size_t i = 0; i < values.size(); ++i) {
      // Files differ in the integer weights' type (Normalization's count: int64 in tf.keras,
      // int32 in Keras 3); the layer's own type is kept.
      Tensor& dst = layer->weights()[i].value;
      dst.CopyFrom(values[i].dtype() == dst.dtype() ? values[i] : values[i].astype(dst.dtype()));
    }
}

// Legacy layout: `group` has layer_names; each layer group has weight_names, resolved as paths.
void LoadLegacyWeights(Model& model, hid_t group, const std::string& path, bool by_name) {
  auto layer_names = h5::ReadStringListAttr(group, "layer_names");
  if (!layer_names) throw IOError(path + ": no layer_names attribute");
  std::vector<std::pair<std::string, std::vector<Tensor>>> saved;
  for (const std::string& name : *layer_names) {
    h5::Handle g = h5::OpenGroup(group, name);
    auto weight_names =
        h5::ReadStringListAttr(g.id(), "weight_names").value_or(std::vector<std::string>{});
    std::vector<Tensor> values;
    for (const std::string& w : weight_names) values.push_back(h5::ReadDataset(g.id(), w));
    if (!values.empty()) saved.emplace_back(name, std::move(values));
  }
  std::vector<Layer*> layers = LayersWithWeights(model);
  std::vector<SavedLayer> pairs;
  if (by_name) {
    for (Layer* l : layers)
      for (auto& [name, values] : saved)
        if (name == l->name()) pairs.push_back({l, values, name});
  } else {
    if (layers.size() != saved.size())
      throw IOError(path +
                    ": layer count mismatch when loading weights from file. Model expected " +
                    std::to_string(layers.size()) + " layers, found " +
                    std::to_string(saved.size()) + " saved layers.");
    for (size_t i = 0; i < layers.size(); ++i)
      pairs.push_back({layers[i], saved[i].second, saved[i].first});
  }
  // Back to the layer's order (a count mismatch is left to AssignAll to report).
  for (SavedLayer& p : pairs) {
    const std::vector<size_t> order = LegacyOrder(*p.layer);
    if (order.size() != p.values.size()) continue;
    std::vector<Tensor> values(p.values.size());
    for (size_t i = 0; i < order.size(); ++i) values[order[i]] = std::move(p.values[i]);
    p.values = std::move(values);
  }
  AssignAll(path, pairs);
}

// Keras 3 layout (.weights.h5 and a .keras archive's model.weights.h5): Keras 3 walks the model's
// object tree, and each layer's variables sit at layers/<class in snake case>[_<n>]/vars/<i>,
// numbered per class in the order of model.layers, whatever the layer's name. Matching by name
// would swap the weights of a model whose layers are named against their order (a 'dense_1' before
// a 'dense'), so the path is computed from the position, as Keras 3's loader does.
// The layers with weights and where Keras 3 keeps them, through nested models
// (layers/<model>/layers/<layer>), whose counters start again at each level.
void Keras3Paths(Model& model, const std::string& prefix,
                 std::vector<std::pair<Layer*, std::string>>& out) {
  std::vector<std::string> classes;
  for (const auto& l : model.layers()) classes.push_back(l->class_name());
  const std::vector<std::string> paths = Keras3LayerPaths(classes);
  for (size_t k = 0; k < model.layers().size(); ++k) {
    Layer* l = model.layers()[k].get();
    if (auto* inner = dynamic_cast<Model*>(l))
      Keras3Paths(*inner, prefix + paths[k] + "/", out);
    else if (!l->weights().empty())
      out.emplace_back(l, prefix + paths[k]);
  }
}

// A Keras 3 object's variables: its own `vars`, then its sub-objects' (a wrapper's "layer", an
// RNN's "cell"), depth first, as Keras 3 lists them; h5::WalkGroups visits each group once, so
// links forming a cycle in a hostile file end the walk.
void Keras3Variables(hid_t file, const std::string& at, std::vector<Tensor>& values) {
  h5::Handle root = h5::OpenGroup(file, at);
  h5::WalkGroups(root.id(), [&](hid_t group, const std::string& below) {
    if (below == "vars" || below.ends_with("/vars")) return false;  // read with its owner
    if (h5::Exists(group, "vars") && h5::IsGroup(group, "vars")) {
      h5::Handle vars = h5::OpenGroup(group, "vars");
      for (size_t i = 0; h5::Exists(vars.id(), std::to_string(i)); ++i)
        values.push_back(h5::ReadDataset(vars.id(), std::to_string(i)));
    }
    return true;
  });
}

void LoadKeras3Weights(Model& model, hid_t file, const std::string& path) {
  std::vector<std::pair<Layer*, std::string>> layers;
  Keras3Paths(model, "", layers);
  std::vector<SavedLayer> pairs;
  for (const auto& [l, at] : layers) {
    const std::string vars = at + "/vars";
    if (!h5::Exists(file, vars) || !h5::IsGroup(file, vars)) {
      std::string have;
      if (h5::Exists(file, "layers")) {
        h5::Handle g = h5::OpenGroup(file, "layers");
        for (const auto& n : h5::ListGroup(g.id())) have += " " + n;
      }
      throw IOError(path + ": no weights for layer '" + l->name() + "' (" + l->class_name() +
                    ") at " + vars + ", where Keras 3 stores it (the file has layers:" + have +
                    ")");
    }
    std::vector<Tensor> values;
    // Keras 3 lists a Bidirectional's forward layer first; its groups sort the other way.
    if (l->class_name() == "Bidirectional" && h5::Exists(file, at + "/forward_layer") &&
        h5::Exists(file, at + "/backward_layer")) {
      Keras3Variables(file, at + "/forward_layer", values);
      Keras3Variables(file, at + "/backward_layer", values);
    } else {
      Keras3Variables(file, at, values);
    }
    pairs.push_back({l, std::move(values), vars});
  }
  AssignAll(path, pairs);
}

// Restores the optimizer state of a legacy .h5's /optimizer_weights (or a .keras archive's
// optimizer/vars) into a compiled model; a state that does not fit leaves a fresh optimizer, with
// a warning, as Keras does.
void RestoreOptimizer(Model& model, hid_t file, const std::string& path, OptimizerGeneration g) {
  std::vector<Tensor> values;
  if (g == OptimizerGeneration::kKeras3 && h5::Exists(file, "optimizer/vars")) {
    h5::Handle vars = h5::OpenGroup(file, "optimizer/vars");
    for (size_t i = 0; h5::Exists(vars.id(), std::to_string(i)); ++i)
      values.push_back(h5::ReadDataset(vars.id(), std::to_string(i)));
  } else if (h5::Exists(file, "optimizer_weights")) {
    h5::Handle g5 = h5::OpenGroup(file, "optimizer_weights");
    for (const auto& n :
         h5::ReadStringListAttr(g5.id(), "weight_names").value_or(std::vector<std::string>{}))
      values.push_back(h5::ReadDataset(g5.id(), n));
  } else {
    return;
  }
  const std::string warning = RestoreOptimizerState(model, g, values);
  if (!warning.empty())
    LogWarning(path + ": the optimizer state does not fit (" + warning +
               "); starting with a fresh optimizer");
}

// Compiles `model` from a training_config (or a .keras compile_config in that form) written by
// generation `g`, warning when Kiln cannot follow it.
bool Compile(Model& model, const nlohmann::json& tc, OptimizerGeneration g,
             const std::string& path) {
  const std::string warning = keras::CompileFromTrainingConfig(model, tc, RulesOf(g));
  if (!warning.empty()) LogWarning(path + ": " + warning);
  return warning.empty();
}

// A .keras archive: compile_config in config.json (Keras 3 compiles the loaded model with it, and
// so does Kiln where it has the optimizer, loss and metrics), the optimizer's variables in
// model.weights.h5.
void CompileFromArchive(Model& model, const nlohmann::json& config, hid_t weights,
                        const std::string& path) {
  nlohmann::json tc;
  try {
    if (config.is_object())
      tc = keras::TrainingConfigFromCompileConfig(config.value("compile_config", nlohmann::json()));
  } catch (const nlohmann::json::exception& e) {
    LogWarning(path + ": compile_config is not valid (" + e.what() +
               "); the model is not compiled");
    return;
  }
  if (tc.is_null()) return;
  if (Compile(model, tc, OptimizerGeneration::kKeras3, path))
    RestoreOptimizer(model, weights, path, OptimizerGeneration::kKeras3);
}

// ------------------------------------------------------------------------------------------
// Writing

void WriteWeightsGroup(Model& model, hid_t group,
                       const std::string& keras_version = kWrittenKerasVersion) {
  std::vector<std::string> names;
  for (const auto& l : model.layers()) names.push_back(l->name());
  h5::WriteFixedStringListAttr(group, "layer_names", names);
  h5::WriteVlenStringAttr(group, "backend", "tensorflow");
  h5::WriteVlenStringAttr(group, "keras_version", keras_version);
  // Which program wrote it, beside the Keras it imitates; Keras ignores attributes it does not
  // know, so the file still loads there.
  h5::WriteVlenStringAttr(group, "kiln_version", kKilnVersion);
  for (const auto& l : model.layers()) {
    h5::Handle g = h5::CreateGroup(group, l->name());
    const std::vector<size_t> order = LegacyOrder(*l);
    std::vector<std::string> weight_names;
    for (size_t i : order) weight_names.push_back(l->name() + "/" + l->weights()[i].name + ":0");
    if (weight_names.empty())
      h5::WriteEmptyFloat64Attr(g.id(), "weight_names");
    else
      h5::WriteFixedStringListAttr(g.id(), "weight_names", weight_names);
    for (size_t k = 0; k < order.size(); ++k)
      h5::WriteDataset(g.id(), weight_names[k], l->weights()[order[k]].value);
  }
}

}  // namespace

std::string Keras3SnakeCase(const std::string& class_name) {
  // Keras 3's naming.to_snake_case, step by step, so that class names with digits ("Conv2D",
  // "Conv2DTranspose") come out as Keras's do: "conv2d", "conv2d_transpose".
  static const std::regex non_word(R"(\W+)"), word("(.)([A-Z][a-z]+)"), hump("([a-z])([A-Z])");
  std::string s = std::regex_replace(class_name, non_word, "");
  s = std::regex_replace(s, word, "$1_$2");
  s = std::regex_replace(s, hump, "$1_$2");
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> Keras3LayerPaths(const std::vector<std::string>& class_names) {
  std::map<std::string, int> used;
  std::vector<std::string> out;
  for (const auto& cls : class_names) {
    const std::string base = Keras3SnakeCase(cls);
    auto [it, first] = used.emplace(base, 0);
    out.push_back("layers/" + (first ? base : base + "_" + std::to_string(++it->second)));
  }
  return out;
}

std::string ReadArchiveEntry(const std::string& path, const std::string& entry) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) throw IOError(path + ": not a readable zip archive");
  std::unique_ptr<zip_t, int (*)(zip_t*)> guard(z, zip_close);
  zip_stat_t st;
  if (zip_stat(z, entry.c_str(), 0, &st) != 0) throw IOError(path + ": archive has no " + entry);
  if (st.size > (1ull << 32)) throw IOError(path + ": " + entry + " is implausibly large");
  zip_file_t* f = zip_fopen(z, entry.c_str(), 0);
  if (!f) throw IOError(path + ": cannot open " + entry + " in the archive");
  std::string data(st.size, '\0');
  zip_int64_t n = zip_fread(f, data.data(), st.size);
  zip_fclose(f);
  if (n != static_cast<zip_int64_t>(st.size))
    throw IOError(path + ": cannot read " + entry + " (corrupt archive?)");
  return data;
}

h5::File OpenArchiveWeights(const std::string& archive) {
  return h5::File::OpenImage(ReadArchiveEntry(archive, "model.weights.h5"),
                             archive + " (model.weights.h5)");
}

ModelFileFormat DetectFormat(const std::string& path) {
  RequireRegularFile(path);
  if (IsZip(path)) return ModelFileFormat::kKerasArchive;
  if (io::IsGraphFile(path)) return ModelFileFormat::kKilnGraph;
  if (!h5::IsHdf5(path)) return ModelFileFormat::kUnknown;
  h5::File f = h5::File::Open(path);
  if (h5::HasAttr(f.id(), "model_config")) return ModelFileFormat::kLegacyFull;
  if (h5::HasAttr(f.id(), "layer_names") || h5::HasAttr(f.id(), "layer_names0"))
    return ModelFileFormat::kLegacyWeights;
  if (h5::Exists(f.id(), "layers") || h5::Exists(f.id(), "vars"))
    return ModelFileFormat::kKeras3Weights;
  if (h5::Exists(f.id(), "model_weights")) return ModelFileFormat::kLegacyFull;
  return ModelFileFormat::kUnknown;
}

std::string FormatName(ModelFileFormat f) {
  switch (f) {
    case ModelFileFormat::kLegacyFull:
      return "Keras HDF5 full model";
    case ModelFileFormat::kLegacyWeights:
      return "Keras HDF5 weights";
    case ModelFileFormat::kKeras3Weights:
      return "Keras 3 .weights.h5";
    case ModelFileFormat::kKerasArchive:
      return "Keras 3 .keras archive";
    case ModelFileFormat::kKilnGraph:
      return "Kiln graph (.kiln)";
    case ModelFileFormat::kUnknown:
      return "unknown";
  }
  return "unknown";
}

void WriteModel(Model& model, hid_t file, SaveOptions options) {
  model.Build();
  const std::string version = KerasVersionFor(options.target);
  const OptimizerGeneration generation = model.compiled()
                                             ? GenerationFor(*model.optimizer(), options.target)
                                             : OptimizerGeneration::kKeras2;
  h5::WriteVlenStringAttr(file, "keras_version", version);
  h5::WriteVlenStringAttr(file, "backend", "tensorflow");
  h5::WriteVlenStringAttr(file, "kiln_version", kKilnVersion);
  h5::WriteVlenStringAttr(file, "model_config", keras::ModelConfig(model, options.target).dump());
  if (model.compiled())
    h5::WriteVlenStringAttr(file, "training_config",
                            keras::TrainingConfig(model, generation).dump());
  h5::Handle mw = h5::CreateGroup(file, "model_weights");
  WriteWeightsGroup(model, mw.id(), version);
  if (model.compiled()) {
    h5::Handle ow = h5::CreateGroup(file, "optimizer_weights");
    std::vector<std::string> names;
    for (const auto& [n, v] : OptimizerState(model, generation)) {
      names.push_back(n);
      h5::WriteDataset(ow.id(), n, v);
    }
    h5::WriteFixedStringListAttr(ow.id(), "weight_names", names);
  }
}

void RestoreModel(Model& model, hid_t file, const std::string& path) {
  model.Build();
  h5::Handle mw = h5::OpenGroup(file, "model_weights");
  LoadLegacyWeights(model, mw.id(), path, /*by_name=*/false);
  if (!model.compiled()) return;
  nlohmann::json tc = nlohmann::json::parse(
      h5::ReadStringAttr(file, "training_config").value_or("{}"), nullptr, false);
  if (!tc.is_object()) throw IOError(path + ": training_config is not a JSON object");
  const OptimizerGeneration g =
      GenerationOf(h5::ReadStringAttr(file, "keras_version").value_or(""),
                   tc.value("optimizer_config", nlohmann::json::object()));
  std::vector<Tensor> values;
  if (h5::Exists(file, "optimizer_weights")) {
    h5::Handle ow = h5::OpenGroup(file, "optimizer_weights");
    for (const auto& n :
         h5::ReadStringListAttr(ow.id(), "weight_names").value_or(std::vector<std::string>{}))
      values.push_back(h5::ReadDataset(ow.id(), n));
  }
  const std::string warning = RestoreOptimizerState(model, g, values);
  if (!warning.empty())
    throw IOError(path + ": the optimizer state does not fit this model's optimizer (" + warning +
                  ")");
}

void SaveModel(Model& model, const std::string& path, SaveOptions options) {
  // Lowering the configs can fail (a layer Keras cannot load): before any file is touched.
  model.Build();
  const nlohmann::json config = keras::ModelConfig(model, options.target);
  if (options.target == KerasTarget::kTfKeras2 && UsesActivation(config, "hard_sigmoid"))
    throw ValueError(path + ": tf.keras 2.x would read this model's hard_sigmoid as its own " +
                     "clip(0.2 x + 0.5, 0, 1), not Keras 3's relu6(x + 3) / 6 that Kiln " +
                     "computes: save it for Keras 3 ({.target = KerasTarget::kKeras3})");
  WriteFileAtomically(path, [&](const std::string& tmp) {
    h5::File f = h5::File::Create(tmp);
    WriteModel(model, f.id(), options);
    f.Close();
  });
}

void SaveWeights(Model& model, const std::string& path) {
  model.Build();
  WriteFileAtomically(path, [&](const std::string& tmp) {
    h5::File f = h5::File::Create(tmp);
    WriteWeightsGroup(model, f.id());
    f.Close();
  });
}

std::string ReadModelConfigText(const std::string& path) {
  switch (DetectFormat(path)) {
    case ModelFileFormat::kKerasArchive:
      return ReadArchiveEntry(path, "config.json");
    case ModelFileFormat::kLegacyFull: {
      h5::File f = h5::File::Open(path);
      auto cfg = h5::ReadStringAttr(f.id(), "model_config");
      if (!cfg) throw IOError(path + ": No model found in config file (no model_config attribute)");
      return *cfg;
    }
    case ModelFileFormat::kLegacyWeights:
    case ModelFileFormat::kKeras3Weights:
      throw IOError(
          path +
          ": holds weights only (no model config); build the model in code and call load_weights");
    case ModelFileFormat::kKilnGraph:
      throw IOError(path + ": a Kiln graph file, not a Keras model; run it with kiln::Runtime");
    case ModelFileFormat::kUnknown:
      break;
  }
  throw IOError(path + ": not a Keras model file (neither HDF5 nor a .keras archive)");
}

namespace {
// A model read from a file Keras 2.x wrote trains its BatchNormalization statistics as Keras 2.x
// does (batch_normalization.h: unbiased_moving_variance).
void FollowKeras2BatchNormalization(Model& model) {
  for (const auto& l : model.layers()) {
    if (auto* bn = dynamic_cast<layers::BatchNormalization*>(l.get()))
      bn->set_unbiased_moving_variance(true);
    if (auto* inner = dynamic_cast<Model*>(l.get())) FollowKeras2BatchNormalization(*inner);
  }
}

}  // namespace

std::unique_ptr<Model> LoadModel(const std::string& path) {
  const ModelFileFormat format = DetectFormat(path);
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(ReadModelConfigText(path));
  } catch (const nlohmann::json::exception& e) {
    throw IOError(path + ": model_config is not valid JSON: " + e.what());
  }
  // Which Keras wrote a legacy file decides what two names mean (hard_sigmoid, BatchNormalization's
  // moving variance).
  const std::string keras_version =
      format == ModelFileFormat::kLegacyFull
          ? h5::ReadStringAttr(h5::File::Open(path).id(), "keras_version").value_or("")
          : "";
  const bool keras2 = keras_version.starts_with("2.");
  if (keras2 && UsesActivation(config, "hard_sigmoid"))
    throw Error(path + ": cannot build this model: its hard_sigmoid is Keras " + keras_version +
                "'s, clip(0.2 x + 0.5, 0, 1); Kiln's is Keras 3's, relu6(x + 3) / 6");
  std::unique_ptr<keras::Model> model;
  try {
    model = keras::ModelFromConfig(config);
    model->Build();
  } catch (const IOError&) {
    throw;
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  if (format == ModelFileFormat::kKerasArchive) {
    h5::File f = OpenArchiveWeights(path);
    LoadKeras3Weights(*model, f.id(), path);
    CompileFromArchive(*model, config, f.id(), path);
    return model;
  }
  h5::File f = h5::File::Open(path);
  if (keras2) FollowKeras2BatchNormalization(*model);
  h5::Handle mw = h5::OpenGroup(f.id(), "model_weights");
  // A full-model file's layer names are its config's: matching by name does not depend on
  // reproducing the order Keras listed a functional model's layers in.
  LoadLegacyWeights(*model, mw.id(), path, model->class_name() != "Sequential");
  if (auto text = h5::ReadStringAttr(f.id(), "training_config")) {
    nlohmann::json tc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (tc.is_discarded()) {
      LogWarning(path + ": training_config is not valid JSON; the model is not compiled");
    } else {
      const OptimizerGeneration g =
          GenerationOf(h5::ReadStringAttr(f.id(), "keras_version").value_or(""),
                       tc.is_object() ? tc.value("optimizer_config", nlohmann::json::object())
                                      : nlohmann::json::object());
      if (Compile(*model, tc, g, path)) RestoreOptimizer(*model, f.id(), path, g);
    }
  }
  return model;
}

void LoadWeights(Model& model, const std::string& path, bool by_name) {
  model.Build();
  const ModelFileFormat format = DetectFormat(path);
  if (format == ModelFileFormat::kKerasArchive) {
    if (by_name) throw ValueError(path + ": by_name only applies to legacy .h5 files");
    h5::File f = OpenArchiveWeights(path);
    LoadKeras3Weights(model, f.id(), path);
    return;
  }
  if (format == ModelFileFormat::kUnknown) throw IOError(path + ": not a Keras weights file");
  h5::File f = h5::File::Open(path);
  if (format == ModelFileFormat::kKeras3Weights) {
    if (by_name) throw ValueError(path + ": by_name only applies to legacy .h5 files");
    LoadKeras3Weights(model, f.id(), path);
  } else if (format == ModelFileFormat::kLegacyWeights) {
    LoadLegacyWeights(model, f.id(), path, by_name);
  } else {
    h5::Handle mw = h5::OpenGroup(f.id(), "model_weights");
    LoadLegacyWeights(model, mw.id(), path, by_name);
  }
}

}  // namespace kiln::keras::saving

namespace kiln::keras {

std::unique_ptr<Model> load_model(const std::string& path) { return saving::LoadModel(path); }
void Model::save(const std::string& path, SaveOptions options) {
  saving::SaveModel(*this, path, options);
}
void Model::save_weights(const std::string& path) { saving::SaveWeights(*this, path); }
void Model::load_weights(const std::string& path, bool by_name) {
  saving::LoadWeights(*this, path, by_name);
}

}  // namespace kiln::keras

#include "keras/saving/model_file_info.h"

#include <cmath>
#include <map>

#include "io/h5.h"
#include "io/kiln_graph.h"
#include "keras/model_config.h"

namespace kiln::keras::saving {
namespace {

bool IsNonTrainable(const std::string& name) {
  return name.find("moving_mean") != std::string::npos ||
         name.find("moving_variance") != std::string::npos;
}

void AddWeight(ModelFileInfo& info, const std::string& layer, const std::string& name,
               Tensor value) {
  WeightInfo w{layer, name, std::move(value), {}, !IsNonTrainable(name)};
  w.stats = ComputeStats(w.value);
  info.total_params += w.value.num_elements();
  if (w.trainable) info.trainable_params += w.value.num_elements();
  info.weights.push_back(std::move(w));
}

void ReadLegacyWeights(ModelFileInfo& info, hid_t group) {
  auto names = h5::ReadStringListAttr(group, "layer_names").value_or(std::vector<std::string>{});
  for (const auto& layer : names) {
    h5::Handle g = h5::OpenGroup(group, layer);
    auto weight_names =
        h5::ReadStringListAttr(g.id(), "weight_names").value_or(std::vector<std::string>{});
    for (const auto& w : weight_names) AddWeight(info, layer, w, h5::ReadDataset(g.id(), w));
  }
  if (info.layers.empty())
    for (const auto& layer : names) info.layers.push_back({layer, "?", 0});
}

// A Keras 3 object's variables: its own "vars", then those of its sub-objects (an LSTM's "cell"),
// walked by h5::WalkGroups so that links forming a cycle in a hostile file end the walk.
void ReadKeras3Object(ModelFileInfo& info, hid_t root, const std::string& root_path,
                      const std::string& layer) {
  h5::WalkGroups(root, [&](hid_t group, const std::string& below) {
    if (below == "vars" || below.ends_with("/vars")) return false;  // read with its owner
    const std::string path = below.empty() ? root_path : root_path + "/" + below;
    if (h5::Exists(group, "vars") && h5::IsGroup(group, "vars")) {
      h5::Handle vars = h5::OpenGroup(group, "vars");
      for (size_t i = 0; h5::Exists(vars.id(), std::to_string(i)); ++i)
        AddWeight(info, layer, path + "/vars/" + std::to_string(i),
                  h5::ReadDataset(vars.id(), std::to_string(i)));
    }
    return true;
  });
}

void ReadKeras3Weights(ModelFileInfo& info, hid_t file) {
  if (!h5::Exists(file, "layers")) return;
  h5::Handle layers = h5::OpenGroup(file, "layers");
  std::vector<std::string> names = h5::ListGroup(layers.id()), found;
  for (const auto& layer : names) {
    if (!h5::IsGroup(layers.id(), layer)) continue;
    h5::Handle g = h5::OpenGroup(layers.id(), layer);
    // The group is named after the layer's class and position ("dense_1" may hold the layer
    // named "dense"); Keras 3.x records the layer's own name on its vars group.
    std::string name = layer;
    if (h5::Exists(g.id(), "vars") && h5::IsGroup(g.id(), "vars")) {
      h5::Handle vars = h5::OpenGroup(g.id(), "vars");
      name = h5::ReadStringAttr(vars.id(), "name").value_or(layer);
    }
    ReadKeras3Object(info, g.id(), "layers/" + layer, name);
    found.push_back(name);
  }
  if (info.layers.empty())
    for (const auto& layer : found) info.layers.push_back({layer, "?", 0});
}

}  // namespace

TensorStats ComputeStats(const Tensor& t) {
  TensorStats s;
  const Tensor d = t.astype(kFloat64);
  double sum = 0, sq = 0;
  int64_t finite = 0;
  s.min = INFINITY;
  s.max = -INFINITY;
  for (double v : d.values<double>()) {
    if (std::isnan(v)) {
      ++s.nan;
      continue;
    }
    if (std::isinf(v)) {
      ++s.inf;
      continue;
    }
    if (v == 0) ++s.zeros;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    sum += v;
    ++finite;
  }
  if (finite == 0) return TensorStats{0, 0, 0, 0, s.zeros, s.nan, s.inf};
  s.mean = sum / double(finite);
  for (double v : d.values<double>())
    if (std::isfinite(v)) sq += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(sq / double(finite));
  return s;
}

ModelFileInfo ReadModelFileInfo(const std::string& path) {
  ModelFileInfo info;
  info.path = path;
  info.format = DetectFormat(path);
  if (info.format == ModelFileFormat::kUnknown)
    throw IOError(path + ": not a Keras model file (neither HDF5 nor a .keras archive)");
  std::optional<io::GraphFile> graph_file;
  if (info.format == ModelFileFormat::kKilnGraph) {
    graph_file = io::ReadGraphFile(path);
    const io::GraphFile& g = *graph_file;
    auto meta = [&](const char* k) {
      return g.metadata.count(k) ? g.metadata.at(k) : std::string();
    };
    info.keras_version = "kiln " + meta("kiln_version");
    info.kiln_version = meta("kiln_version");
    if (!meta("model_config").empty())
      info.model_config = nlohmann::json::parse(meta("model_config"), nullptr, false);
    if (!meta("training_config").empty())
      info.training_config = nlohmann::json::parse(meta("training_config"), nullptr, false);
    if (info.model_config && info.model_config->is_discarded()) info.model_config.reset();
    if (info.training_config && info.training_config->is_discarded()) info.training_config.reset();
  }
  if (info.format == ModelFileFormat::kLegacyFull ||
      info.format == ModelFileFormat::kKerasArchive) {
    try {
      info.model_config = nlohmann::json::parse(ReadModelConfigText(path));
    } catch (const nlohmann::json::exception& e) {
      throw IOError(path + ": model config is not valid JSON: " + e.what());
    }
  }
  if (info.model_config) {
    const nlohmann::json& cfg = info.model_config->value("config", nlohmann::json::object());
    const nlohmann::json layers =
        cfg.is_array() ? cfg : cfg.value("layers", nlohmann::json::array());
    for (const auto& l : layers) {
      if (!l.is_object()) continue;
      const nlohmann::json lc = l.value("config", nlohmann::json::object());
      info.layers.push_back(
          {lc.is_object() ? lc.value("name", "?") : "?", l.value("class_name", "?"), 0});
    }
  }
  if (graph_file) {
    // Weights are the graph's variables; optimizer slots are listed as non-trainable.
    for (const auto& [name, value] : graph_file->variables.items()) {
      const std::string layer = name.substr(0, name.find('/'));
      AddWeight(info, layer, name, value);
      if (name.rfind("SGD/", 0) == 0) {
        info.weights.back().trainable = false;
        info.trainable_params -= value.num_elements();
      }
    }
  } else if (info.format == ModelFileFormat::kKerasArchive) {
    // Keras 3 records its version in metadata.json (not the backend); compile() arguments are in
    // config.json.
    try {
      const auto meta = nlohmann::json::parse(ReadArchiveEntry(path, "metadata.json"));
      if (meta.is_object() && meta.contains("keras_version") && meta["keras_version"].is_string())
        info.keras_version = meta["keras_version"].get<std::string>();
    } catch (const Error&) {
      // An archive without metadata.json leaves the version unrecorded; so does a broken one.
    } catch (const nlohmann::json::exception&) {
      // Likewise: the version is informational, the model still loads.
    }
    if (info.model_config && info.model_config->is_object() &&
        info.model_config->contains("compile_config")) {
      const nlohmann::json& cc = (*info.model_config)["compile_config"];
      try {
        nlohmann::json tc = keras::TrainingConfigFromCompileConfig(cc);
        if (!tc.is_null()) info.training_config = std::move(tc);
      } catch (const nlohmann::json::exception&) {
        info.training_config = cc;  // shown as it is
      }
    }
    h5::File f = OpenArchiveWeights(path);
    ReadKeras3Weights(info, f.id());
  } else {
    h5::File f = h5::File::Open(path);
    info.keras_version = h5::ReadStringAttr(f.id(), "keras_version").value_or("");
    info.backend = h5::ReadStringAttr(f.id(), "backend").value_or("");
    info.kiln_version = h5::ReadStringAttr(f.id(), "kiln_version").value_or("");
    if (auto tc = h5::ReadStringAttr(f.id(), "training_config")) {
      try {
        info.training_config = nlohmann::json::parse(*tc);
      } catch (const nlohmann::json::exception&) {
        info.training_config = nlohmann::json(*tc);  // shown as text
      }
    }
    if (info.format == ModelFileFormat::kLegacyFull) {
      h5::Handle mw = h5::OpenGroup(f.id(), "model_weights");
      ReadLegacyWeights(info, mw.id());
    } else if (info.format == ModelFileFormat::kLegacyWeights) {
      ReadLegacyWeights(info, f.id());
    } else {
      ReadKeras3Weights(info, f.id());
    }
  }
  std::map<std::string, int64_t> per_layer;
  for (const auto& w : info.weights) per_layer[w.layer] += w.value.num_elements();
  for (auto& l : info.layers) l.params = per_layer.count(l.name) ? per_layer[l.name] : 0;
  return info;
}

void ApplyTrainability(ModelFileInfo& info, const Model& model) {
  std::map<std::string, std::vector<WeightInfo*>> by_layer;
  for (WeightInfo& w : info.weights) by_layer[w.layer].push_back(&w);
  for (const auto& layer : model.layers()) {
    auto it = by_layer.find(layer->name());
    const std::vector<bool> mask = layer->TrainableMask();
    if (it == by_layer.end() || it->second.size() != mask.size()) continue;
    for (size_t i = 0; i < mask.size(); ++i) {
      WeightInfo& w = *it->second[i];
      if (w.trainable != mask[i])
        info.trainable_params += (mask[i] ? 1 : -1) * w.value.num_elements();
      w.trainable = mask[i];
    }
  }
}

}  // namespace kiln::keras::saving

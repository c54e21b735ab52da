// What a model file holds, read without building a model: the format, Keras version and backend,
// model and training configs, the layer list, and every weight with its statistics. Works on files
// Kiln cannot build a model from (unsupported layers), which the inspector needs.
//
//   kiln::keras::saving::ModelFileInfo info = kiln::keras::saving::ReadModelFileInfo("m.h5");
//   for (const auto& w : info.weights) std::cout << w.name << " " << w.stats.mean << "\n";
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "graph/tensor.h"
#include "keras/saving/keras_h5.h"

namespace kiln::keras::saving {

struct TensorStats {
  double min = 0, max = 0, mean = 0, std = 0;  // over the finite elements
  int64_t zeros = 0, nan = 0, inf = 0;
};
TensorStats ComputeStats(const Tensor& t);

struct WeightInfo {
  std::string layer;  // the layer it belongs to
  std::string name;   // as stored ("dense/kernel:0", "layers/dense/vars/0")
  Tensor value;
  TensorStats stats;
  bool trainable = true;
};

struct LayerInfo {
  std::string name, class_name;
  int64_t params = 0;
};

struct ModelFileInfo {
  std::string path;
  ModelFileFormat format = ModelFileFormat::kUnknown;
  std::string keras_version, backend;  // empty when the file does not say
  std::string kiln_version;            // the Kiln that wrote the file; empty for Keras's files
  std::optional<nlohmann::json> model_config, training_config;
  std::vector<LayerInfo> layers;  // from model_config when present, else from the weights
  std::vector<WeightInfo> weights;
  int64_t total_params = 0, trainable_params = 0;
};

// Throws kiln::IOError naming the file when it cannot be read.
ModelFileInfo ReadModelFileInfo(const std::string& path);

// Which weights train, as Keras counts them (frozen layers, Normalization's statistics, Keras 3's
// unnamed vars), from `model`, the one built from info's config: ReadModelFileInfo alone guesses
// from the weights' names. A layer the model does not have, or whose weights do not line up with
// the file's, keeps the guess.
void ApplyTrainability(ModelFileInfo& info, const Model& model);

}  // namespace kiln::keras::saving

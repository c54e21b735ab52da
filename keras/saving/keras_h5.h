// Keras model files, both ways.
//
//   kiln::keras::saving::SaveModel(model, "m.h5");        // what model.save() calls
//   auto m = kiln::keras::saving::LoadModel("m.h5");      // what keras::load_model() calls
//   kiln::keras::saving::LoadWeights(*m, "w.weights.h5", /*by_name=*/false);
//
// Writes the legacy full-model HDF5 that tf.keras 2.x and Keras 3 load (spec/keras-h5.md §7):
// root keras_version/backend/model_config (+ training_config when compiled) as variable-length
// ASCII, /model_weights with fixed-length layer_names, per-layer weight_names (an empty float64
// array for layers without weights), datasets at <layer>/<layer>/<var>:0, and /optimizer_weights
// when the optimizer has state. Reads every variant in shared/fixtures/keras: full models and
// weights-only files of Keras 2.0 to 2.15, Keras 3 .weights.h5, and .keras archives, detected by
// content. Unsupported layers are refused in one message listing all of them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/h5.h"
#include "keras/model.h"

namespace kiln::keras::saving {

enum class ModelFileFormat {
  kLegacyFull,     // HDF5 with a model_config attribute
  kLegacyWeights,  // HDF5 with layer_names at the root (save_weights)
  kKeras3Weights,  // HDF5 with /layers/<object path>/vars (Keras 3 .weights.h5)
  kKerasArchive,   // a zip with config.json and model.weights.h5 (Keras 3 .keras)
  kKilnGraph,      // Kiln's FlatBuffers graph file (.kiln), run with kiln::Runtime
  kUnknown,
};

// The version string written to keras_version: the tf.keras generation whose layout Kiln writes.
inline constexpr const char* kWrittenKerasVersion = "2.12.0";

ModelFileFormat DetectFormat(const std::string& path);
std::string FormatName(ModelFileFormat f);

void SaveModel(Model& model, const std::string& path, SaveOptions options = {});
void SaveWeights(Model& model, const std::string& path);
// What SaveModel writes, into an open file's root group.
void WriteModel(Model& model, hid_t file, SaveOptions options = {});
// Sets the weights and (when compiled) the optimizer state of `model` from a full-model file
// written for the same model, by position; throws kiln::IOError naming `path` when they do not
// fit (no fresh-optimizer fallback: the caller resumes a run).
void RestoreModel(Model& model, hid_t file, const std::string& path);
std::unique_ptr<Model> LoadModel(const std::string& path);
void LoadWeights(Model& model, const std::string& path, bool by_name = false);

// Keras 3's snake case of a class name ("BatchNormalization" -> "batch_normalization", "Conv2D" ->
// "conv2d"), as its saving code names objects.
std::string Keras3SnakeCase(const std::string& class_name);
// Where Keras 3 (.keras, .weights.h5) stores each layer of a model whose model.layers have these
// classes, in order: "layers/<snake case>", then "layers/<snake case>_1", ... per class. A
// Sequential's model.layers omit its InputLayer; a functional model's include it.
std::vector<std::string> Keras3LayerPaths(const std::vector<std::string>& class_names);

// The model_config JSON text of a full-model .h5 or a .keras archive's config.json.
std::string ReadModelConfigText(const std::string& path);

// One entry of a .keras (zip) archive; throws kiln::IOError naming the archive.
std::string ReadArchiveEntry(const std::string& archive, const std::string& entry);

// A .keras archive's model.weights.h5, opened in memory (no temporary file to leave behind).
h5::File OpenArchiveWeights(const std::string& archive);

}  // namespace kiln::keras::saving

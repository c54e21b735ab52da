// Exports a Keras model as a .kiln graph file (what Model::export_graph and `kiln export` call).
//
//   kiln::keras::saving::ExportModel(model, "mlp.kiln", /*training=*/false);
//   kiln::keras::saving::ExportFile("fixture.h5", "fixture.kiln");       // any loadable Keras file
//
// The file holds the optimized "serving" subgraph (input -> predictions); with `training`, also
// the optimized "train" subgraph (inputs, targets -> loss and metrics, plus the update nodes) with
// the optimizer state among the variables. Metadata: kiln_version, source_model, model_config.
#pragma once

#include <string>

#include "keras/model.h"

namespace kiln::keras::saving {

inline constexpr const char* kKilnVersion = "0.1.0";

void ExportModel(Model& model, const std::string& path, bool training = false);
void ExportFile(const std::string& model_path, const std::string& out_path, bool training = false);

}  // namespace kiln::keras::saving

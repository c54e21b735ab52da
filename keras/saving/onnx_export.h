// Exports a Keras model's inference graph as an ONNX file (what Model::export_onnx and
// `kiln export MODEL OUT.onnx` call), for onnxruntime (server, mobile and web) and other runtimes.
//
//   model.export_onnx("mlp.onnx");
//   kiln::keras::saving::ExportOnnxFile("fixture.h5", "fixture.onnx");   // any loadable Keras file
//
// Contract: the optimized "serving" graph (what predict runs), opset 17, IR version 8,
// producer "kiln" <kKilnVersion>; graph inputs named as the model's inputs, outputs as its output
// layers, the batch dimension symbolic ("N"). Exported from Kiln's lowered op graph, not the
// layers: every layer that lowers to ops with an emitter (io/onnx) exports with no per-layer code
// (BatchNormalization's inference arithmetic, activations, SE blocks, residuals, ...), and fused
// ops (FusedMatMul) are expanded. A model with an op that has none throws kiln::ValueError
// naming every such node and its layer, and nothing is written (io/atomic_file.h).
#pragma once

#include <string>

#include "keras/model.h"

namespace kiln::keras::saving {

void ExportOnnx(Model& model, const std::string& path);
void ExportOnnxFile(const std::string& model_path, const std::string& out_path);

}  // namespace kiln::keras::saving

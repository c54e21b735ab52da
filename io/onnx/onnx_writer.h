// ONNX files from Kiln's optimized inference graph: one ModelProto (opset 17, IR version 8, the
// release Debian's libonnx 1.12 checks), written atomically.
//
//   kiln::io::OnnxGraph g{.graph = view.graph, .inputs = view.inputs, .outputs = view.outputs,
//                         .input_names = {"image"}, .output_names = {"predictions"},
//                         .variables = &store, .producer_version = "0.1.0"};
//   onnx::ModelProto m = kiln::io::BuildOnnxModel(g);   // or:
//   kiln::io::WriteOnnxFile(g, "model.onnx");
//
// Contract: every node the outputs depend on must have an emitter (io/onnx/emit_*.cc, one
// registry keyed by Kiln op name); otherwise kiln::ValueError lists every unsupported node at
// once (name, op and the layer its name starts with) and nothing is written. Variable nodes become
// initializers holding exactly the VariableStore's values, Const nodes initializers holding their
// value. Kiln's images are NHWC and ONNX's Conv/pooling NCHW: those emitters wrap their op in
// Transposes (the filter too), which onnxruntime's transpose optimizer folds and cancels; every
// other value keeps Kiln's layout, so Flatten/Reshape orders stay Keras's. Unknown (-1)
// dimensions of the inputs and outputs are written as the symbolic dimension "N".
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/variable_store.h"
#include "onnx/onnx_pb.h"

namespace kiln::io {

inline constexpr int64_t kOnnxOpset = 17;
inline constexpr int64_t kOnnxIrVersion = 8;  // ONNX 1.12 (opset 17)

struct OnnxGraph {
  const Graph& graph;
  std::vector<ValueRef> inputs;
  std::vector<ValueRef> outputs;
  std::vector<std::string> input_names;   // the ONNX graph's input names (default: node names)
  std::vector<std::string> output_names;  // its output names (default: "output_<i>")
  const VariableStore* variables = nullptr;
  std::string graph_name = "kiln";
  std::string producer_version = "";
  std::string doc = "";
};

onnx::ModelProto BuildOnnxModel(const OnnxGraph& g);
void WriteOnnxFile(const OnnxGraph& g, const std::string& path);

// The Kiln ops that have an emitter, sorted.
std::vector<std::string> OnnxSupportedOps();

}  // namespace kiln::io

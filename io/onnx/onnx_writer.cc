#include "io/onnx/onnx_writer.h"

#include <algorithm>
#include <set>

#include "io/atomic_file.h"
#include "io/onnx/emitter.h"

namespace kiln::io {
namespace {

using onnx_export::Emitter;
using onnx_export::EmitterRegistry;

// The layer a node came from: Kiln names nodes "<layer>/<op>[_k]".
std::string LayerOf(const std::string& node_name) {
  return node_name.substr(0, node_name.find('/'));
}

void SetValueInfo(const std::string& name, const TensorType& t, onnx::ValueInfoProto& out) {
  out.set_name(name);
  auto* tensor = out.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx_export::OnnxDType(t.dtype));
  auto* shape = tensor->mutable_shape();
  for (int64_t d : t.shape.dims()) {
    if (d < 0)
      shape->add_dim()->set_dim_param("N");
    else
      shape->add_dim()->set_dim_value(d);
  }
}

// The nodes the outputs depend on, in topological order (node ids are creation order, and a node
// is created after its inputs).
std::vector<int> NeededNodes(const Graph& graph, const std::vector<ValueRef>& outputs) {
  std::set<int> needed;
  std::vector<int> stack;
  for (ValueRef v : outputs) stack.push_back(v.node);
  while (!stack.empty()) {
    int id = stack.back();
    stack.pop_back();
    if (!needed.insert(id).second) continue;
    for (ValueRef in : graph.node(id).inputs) stack.push_back(in.node);
  }
  return {needed.begin(), needed.end()};
}

}  // namespace

std::vector<std::string> OnnxSupportedOps() {
  std::vector<std::string> ops;
  for (const auto& [op, fn] : EmitterRegistry()) ops.push_back(op);
  return ops;
}

onnx::ModelProto BuildOnnxModel(const OnnxGraph& g) {
  const Graph& graph = g.graph;
  const std::vector<int> order = NeededNodes(graph, g.outputs);
  // Refuse before building anything, listing every unsupported node at once.
  std::string unsupported;
  std::set<int> inputs;
  for (ValueRef v : g.inputs) inputs.insert(v.node);
  for (int id : order) {
    const Node& n = graph.node(id);
    if (inputs.count(id) || EmitterRegistry().count(n.op)) continue;
    unsupported += "\n  node '" + n.name + "' (op " + n.op + ", layer '" + LayerOf(n.name) + "')";
  }
  if (!unsupported.empty()) throw ValueError("ONNX export: no ONNX equivalent for" + unsupported);

  onnx::ModelProto model;
  model.set_ir_version(kOnnxIrVersion);
  model.set_producer_name("kiln");
  model.set_producer_version(g.producer_version);
  model.set_doc_string(g.doc);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  onnx::GraphProto& out = *model.mutable_graph();
  out.set_name(g.graph_name);

  std::map<ValueRef, std::string> names;
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    const std::string name =
        i < g.input_names.size() ? g.input_names[i] : graph.node(g.inputs[i].node).name;
    names[g.inputs[i]] = name;
    SetValueInfo(name, graph.type(g.inputs[i]), *out.add_input());
  }
  Emitter e(graph, g.variables, out, names);
  for (int id : order) {
    if (inputs.count(id)) continue;
    const Node& n = graph.node(id);
    e.Start(n);
    EmitterRegistry().at(n.op)(e);
  }
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    const std::string name =
        i < g.output_names.size() ? g.output_names[i] : "output_" + std::to_string(i);
    // An Identity gives the output its own name (an output may also be another's input).
    onnx::NodeProto* id = out.add_node();
    id->set_op_type("Identity");
    id->set_name(name + "/Identity");
    id->add_input(names.at(g.outputs[i]));
    id->add_output(name);
    SetValueInfo(name, graph.type(g.outputs[i]), *out.add_output());
  }
  return model;
}

void WriteOnnxFile(const OnnxGraph& g, const std::string& path) {
  const onnx::ModelProto model = BuildOnnxModel(g);
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    throw IOError(path + ": ONNX model does not serialize (over protobuf's 2 GiB limit?)");
  WriteFileAtomically(path, [&](const std::string& tmp) { WriteBytes(tmp, {bytes}); });
}

}  // namespace kiln::io

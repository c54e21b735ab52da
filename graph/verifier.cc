#include "graph/verifier.h"

#include "graph/op_def.h"
#include "graph/topo_sort.h"

namespace kiln {

void VerifyGraph(const Graph& graph) {
  for (int id : graph.NodeIds()) {
    const Node& node = graph.node(id);
    auto where = [&] { return "node '" + node.name + "' (" + node.op + ")"; };
    const OpDef* def = OpRegistry::Global().Find(node.op);
    if (!def) throw NotFoundError(where() + ": op is not registered");
    if (graph.FindNode(node.name) != id) throw ValueError(where() + ": name is not unique");
    std::vector<TensorType> in_types;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      ValueRef in = node.inputs[i];
      if (!graph.HasNode(in.node))
        throw Error(where() + ": input " + std::to_string(i) + " refers to a missing node");
      const Node& src = graph.node(in.node);
      if (in.index < 0 || in.index >= static_cast<int>(src.outputs.size()))
        throw Error(where() + ": input " + std::to_string(i) + " refers to output " +
                    std::to_string(in.index) + " of '" + src.name + "', which has " +
                    std::to_string(src.outputs.size()));
      in_types.push_back(src.outputs[in.index]);
      // Writing in place is only safe into a buffer the graph does not plan (a variable, or a
      // fed tensor): a planned intermediate's buffer is reused by later nodes.
      if (def->writes_input(i) && src.op != "Variable" && src.op != "Placeholder")
        throw ValueError(where() + ": input '" + def->inputs[i].name +
                         "' is written in place, so it must be a Variable (it is " + src.op + " '" +
                         src.name + "')");
    }
    AttrMap attrs = node.attrs;
    std::vector<TensorType> expected = InferOutputTypes(*def, node.name, in_types, attrs);
    if (expected != node.outputs) {
      std::string got, want;
      for (const auto& t : node.outputs) got += t.ToString() + " ";
      for (const auto& t : expected) want += t.ToString() + " ";
      throw ShapeError(where() + ": recorded outputs " + got + "differ from inferred " + want);
    }
  }
  TopologicalOrder(graph);  // throws on a cycle
}

}  // namespace kiln

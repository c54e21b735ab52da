// The .kiln graph file (io/schema/kiln_graph.fbs): Kiln's own op graph with its weights.
//
//   kiln::io::GraphFile f;
//   f.subgraphs.push_back({"serving", graph, /*inputs=*/{x}, /*outputs=*/{y}, /*targets=*/{}});
//   f.variables = store;  f.metadata["source_model"] = "sequential";
//   kiln::io::WriteGraphFile(f, "model.kiln");
//   kiln::io::GraphFile g = kiln::io::ReadGraphFile("model.kiln");   // verified, see below
//
// Reading runs the FlatBuffers verifier, then checks every op against the registry (an unknown op
// or op version is refused by name), rebuilds each graph and verifies it (shape functions must
// reproduce the recorded types). Every failure is a kiln::IOError naming the file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/variable_store.h"

namespace kiln::io {

inline constexpr uint32_t kGraphFormatVersion = 2;

struct SubGraphDef {
  std::string name;
  Graph graph;
  std::vector<ValueRef> inputs;   // placeholders
  std::vector<ValueRef> outputs;  // fetched values
  std::vector<int> targets;       // nodes run for their effect
};

struct GraphFile {
  std::vector<SubGraphDef> subgraphs;
  VariableStore variables;  // initial values of every Variable, by name
  std::map<std::string, std::string> metadata;
  uint32_t version = kGraphFormatVersion;  // the format revision it was read from
  const SubGraphDef* Find(const std::string& name) const;
};

void WriteGraphFile(const GraphFile& file, const std::string& path);
GraphFile ReadGraphFile(const std::string& path);
// Also for in-memory bytes (the fuzz target); `what` names the source in errors.
GraphFile ParseGraphFile(const uint8_t* data, size_t size, const std::string& what);
bool IsGraphFile(const std::string& path);

}  // namespace kiln::io

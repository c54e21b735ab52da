// Placement: which device runs each node of a graph about to be executed, and explicit copies
// where a value crosses devices.
//
//   std::vector<ValueRef> fetches = {loss};
//   kiln::Placement p = kiln::PlaceNodes(graph, order, fetches);  // may add copy nodes
//   p.device.at(node_id) == "cpu";  p.kernel.at(node_id)->op == graph.node(node_id).op;
//
// Rules, in order: sources (Placeholder, Variable, Const) live on the host; a node that writes an
// input in place runs where that input lives; any other node runs on its requested device
// (Node::device) when that device is registered and has a kernel for (op, dtype), else on the
// CPU, with a warning through the logging hook. Where a node reads a value produced on another
// device, a CopyToDevice node (running on the reader's device) or a CopyToHost node (running on
// the producer's device) is inserted, one per value and destination, shared by all its readers;
// device-to-device goes through the host. Fetched values are copied to the host.
//
// `order` is rewritten to include the copy nodes (each right before its first reader) and
// `fetches` to name the host copies. Throws kiln::NotFoundError naming the node when no device has
// a kernel for it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "kernels/kernel_registry.h"

namespace kiln {

struct Placement {
  std::map<int, std::string> device;       // node id -> the device it runs on
  std::map<int, const KernelDef*> kernel;  // node id -> the kernel it runs
  int copies = 0;                          // copy nodes inserted

  // Where node `id`'s outputs live: its device, except for CopyToHost (the host).
  std::string OutputDevice(const Graph& g, int id) const;
};

Placement PlaceNodes(Graph& graph, std::vector<int>& order, std::vector<ValueRef>& fetches);

}  // namespace kiln

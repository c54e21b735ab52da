#include "kernels/placement.h"

#include "graph/error.h"
#include "graph/logging.h"
#include "graph/op_def.h"
#include "kernels/device.h"

namespace kiln {
namespace {

bool IsHost(const std::string& device) { return GetDevice(device).is_host(); }

class Placer {
 public:
  Placer(Graph& g, Placement& p) : g_(g), p_(p) {}

  // Places node `id`, then rewires its inputs through copies; returns the copies it added.
  std::vector<int> Place(int id) {
    Node& n = g_.node(id);
    const OpDef& def = OpRegistry::Global().Get(n.op);
    std::vector<TensorType> in_types;
    for (const ValueRef& in : n.inputs) in_types.push_back(g_.type(in));
    const DType key = KernelKeyDType(n, in_types);
    std::string device = n.device;
    if (def.has(kSource)) device = "cpu";
    for (size_t i = 0; i < n.inputs.size(); ++i)
      if (def.writes_input(i)) device = p_.OutputDevice(g_, n.inputs[i].node);
    const KernelDef* k =
        HasDevice(device) ? KernelRegistry::Global().Find(n.op, device, key) : nullptr;
    if (!k && device != "cpu") {
      k = KernelRegistry::Global().Find(n.op, "cpu", key);
      if (k)
        LogWarning("no " + device + " kernel for " + n.op + " (" + std::string(DTypeName(key)) +
                   "), node '" + n.name + "' runs on cpu");
      device = "cpu";
    }
    if (!k)
      throw NotFoundError("no kernel for op " + n.op + " with dtype " +
                          std::string(DTypeName(key)) + " (node '" + n.name + "')");
    Set(id, device, k);
    std::vector<int> added;
    for (size_t i = 0; i < n.inputs.size(); ++i)
      g_.node(id).inputs[i] = On(g_.node(id).inputs[i], device, added);
    return added;
  }

  // `v` as seen on `device`: itself, or a (shared) copy of it.
  ValueRef On(ValueRef v, const std::string& device, std::vector<int>& added) {
    const std::string from = p_.OutputDevice(g_, v.node);
    if (from == device) return v;
    auto it = copies_.find({v, device});
    if (it != copies_.end()) return it->second;
    ValueRef out;
    if (!IsHost(from) && !IsHost(device)) {
      out = Copy("CopyToDevice", On(v, "cpu", added), device, device, added);
    } else if (IsHost(device)) {
      out = Copy("CopyToHost", v, from, device, added);
    } else {
      out = Copy("CopyToDevice", v, device, device, added);
    }
    copies_[{v, device}] = out;
    return out;
  }

 private:
  // A copy node of `op` reading `v`, running on `runs_on`.
  ValueRef Copy(const std::string& op, ValueRef v, const std::string& runs_on,
                const std::string& to, std::vector<int>& added) {
    const TensorType t = g_.type(v);
    std::string name = g_.node(v.node).name + "/" + op + "_" + to;
    for (int i = 1; g_.IsNameTaken(name); ++i) name += "_" + std::to_string(i);
    Node n{.op = op, .name = name, .inputs = {v}, .outputs = {t}, .device = runs_on};
    const int id = g_.AddNode(std::move(n));
    const KernelDef* k = KernelRegistry::Global().Find(op, runs_on, t.dtype);
    if (!k)
      throw NotFoundError("device " + runs_on + " has no " + op + " kernel for " +
                          std::string(DTypeName(t.dtype)));
    Set(id, runs_on, k);
    ++p_.copies;
    added.push_back(id);
    return {id, 0};
  }

  void Set(int id, const std::string& device, const KernelDef* k) {
    g_.node(id).device = device;
    p_.device[id] = device;
    p_.kernel[id] = k;
  }

  Graph& g_;
  Placement& p_;
  std::map<std::pair<ValueRef, std::string>, ValueRef> copies_;
};

}  // namespace

std::string Placement::OutputDevice(const Graph& g, int id) const {
  return g.node(id).op == "CopyToHost" ? "cpu" : device.at(id);
}

Placement PlaceNodes(Graph& graph, std::vector<int>& order, std::vector<ValueRef>& fetches) {
  Placement p;
  Placer placer(graph, p);
  std::vector<int> placed;
  for (int id : order) {
    for (int copy : placer.Place(id)) placed.push_back(copy);
    placed.push_back(id);
  }
  for (ValueRef& f : fetches) {
    std::vector<int> added;
    f = placer.On(f, "cpu", added);
    placed.insert(placed.end(), added.begin(), added.end());
  }
  order = std::move(placed);
  return p;
}

}  // namespace kiln

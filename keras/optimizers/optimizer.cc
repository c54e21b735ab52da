#include "keras/optimizers/optimizer.h"

#include <algorithm>

namespace kiln::keras {

std::vector<int> Optimizer::Lower(GraphBuilder& b, std::span<const ValueRef> params,
                                  std::span<const ValueRef> grads, VariableStore& store) {
  auto scope = b.Scope(class_name());
  Prepare(b);
  const std::vector<std::string> names = slot_names();
  std::vector<int> updates;
  for (size_t i = 0; i < params.size(); ++i) {
    UpdateArgs a{.var = params[i], .grad = grads[i], .slots = {}};
    for (const std::string& slot : names) a.slots.push_back(Slot(b, slot, params[i], store));
    updates.push_back(EmitUpdate(b, a));
  }
  return updates;
}

ValueRef Optimizer::Slot(GraphBuilder& b, const std::string& slot, ValueRef param,
                         VariableStore& store) {
  const TensorType t = b.type(param);
  const Shape shape = SlotShape(slot, t.shape);
  // Under the optimizer's scope this is named "<Optimizer>/<slot>/<variable>", its store key.
  ValueRef v = b.Variable(slot + "/" + b.graph().node(param.node).name, t.dtype, shape);
  const std::string& name = b.graph().node(v.node).name;
  auto existing =
      std::find_if(slots_.begin(), slots_.end(), [&](auto& s) { return s.first == name; });
  if (existing == slots_.end()) {
    slots_.emplace_back(name, Tensor(t.dtype, shape));
    existing = slots_.end() - 1;
  }
  store.Set(name, existing->second);
  return v;
}

}  // namespace kiln::keras

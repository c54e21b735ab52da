#include "keras/optimizers.h"

#include <algorithm>
#include <cctype>

namespace kiln::keras {

OptimizerRef::OptimizerRef(const char* name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "sgd")
    ptr_ = std::make_shared<optimizers::SGD>();
  else
    throw NotFoundError("Unknown optimizer: '" + std::string(name) + "' (known: sgd)");
}

namespace optimizers {

SGD::SGD(SGDOptions o)
    : learning_rate_(o.lr.value_or(o.learning_rate)), momentum_(o.momentum), nesterov_(o.nesterov) {
  if (!(learning_rate_ >= 0)) throw ValueError("SGD: learning_rate must be >= 0");
  if (!(momentum_ >= 0)) throw ValueError("SGD: momentum must be >= 0");
}

nlohmann::json SGD::get_config() const {
  return {{"name", "SGD"},
          {"learning_rate", learning_rate_},
          {"decay", 0.0},
          {"momentum", momentum_},
          {"nesterov", nesterov_}};
}

std::vector<int> SGD::Lower(GraphBuilder& b, std::span<const ValueRef> params,
                            std::span<const ValueRef> grads, VariableStore& store) {
  auto scope = b.Scope("SGD");
  std::vector<int> updates;
  ValueRef lr = b.Scalar(learning_rate_, kFloat32, "learning_rate");
  ValueRef m = b.Scalar(momentum_, kFloat32, "momentum");
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string& var_name = b.graph().node(params[i].node).name;
    if (momentum_ == 0) {
      b.OpN("ApplyGradientDescent", {params[i], lr, grads[i]}, {}, "update");
    } else {
      const TensorType& t = b.type(params[i]);
      // Under the "SGD" scope this is named "SGD/velocity/<variable>", which is also its store key.
      ValueRef v = b.Variable("velocity/" + var_name, t.dtype, t.shape);
      const std::string& slot = b.graph().node(v.node).name;
      auto existing =
          std::find_if(slots_.begin(), slots_.end(), [&](auto& s) { return s.first == slot; });
      if (existing == slots_.end()) {
        slots_.emplace_back(slot, Tensor(t.dtype, t.shape));
        existing = slots_.end() - 1;
      }
      store.Set(slot, existing->second);
      b.OpN("ApplyMomentum", {params[i], v, lr, grads[i], m}, {{"use_nesterov", nesterov_}},
            "update");
    }
    updates.push_back(b.graph().capacity() - 1);
  }
  return updates;
}

}  // namespace optimizers
}  // namespace kiln::keras

// Arithmetic simplification: identities that leave a value unchanged. x*1, 1*x, x+0, 0+x, x-0,
// x/1, Neg(Neg(x)), Cast to the same dtype and Reshape/ReshapeLike to the same shape all
// become x. Only rewrites whose result has exactly x's type (no broadcasting) are applied.
#include "graph/op_def.h"
#include "graph/topo_sort.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

// True when v is a Const whose every element equals `c`.
bool IsConstant(const Graph& g, ValueRef v, double c) {
  const Node& n = g.node(v.node);
  if (n.op != "Const") return false;
  const Tensor& t = n.attrs.Get<Tensor>("value");
  const Tensor d = t.astype(kFloat64);
  for (double x : d.values<double>())
    if (x != c) return false;
  return t.num_elements() > 0;
}

class ArithmeticSimplificationPass : public Pass {
 public:
  std::string name() const override { return "arithmetic-simplification"; }
  bool Run(Graph& g, const PassOptions& o) override {
    bool changed = false;
    for (int id : TopologicalOrder(g)) {
      if (IsKept(o, id) || !g.HasNode(id)) continue;
      const Node& n = g.node(id);
      ValueRef same = Simplify(g, n);
      if (!same.valid() || g.type(same) != n.outputs[0]) continue;
      g.ReplaceAllUses({id, 0}, same);
      g.RemoveNode(id);
      changed = true;
    }
    return changed;
  }

 private:
  static ValueRef Simplify(const Graph& g, const Node& n) {
    auto in = [&](int i) { return n.inputs[i]; };
    if (n.op == "Mul") {
      if (IsConstant(g, in(1), 1)) return in(0);
      if (IsConstant(g, in(0), 1)) return in(1);
    } else if (n.op == "Add") {
      if (IsConstant(g, in(1), 0)) return in(0);
      if (IsConstant(g, in(0), 0)) return in(1);
    } else if (n.op == "Sub") {
      if (IsConstant(g, in(1), 0)) return in(0);
    } else if (n.op == "Div") {
      if (IsConstant(g, in(1), 1)) return in(0);
    } else if (n.op == "Neg") {
      const Node& src = g.node(in(0).node);
      if (src.op == "Neg") return src.inputs[0];
    } else if (n.op == "Cast" || n.op == "Reshape" || n.op == "ReshapeLike") {
      // Unknown dimensions are the batch dimension, so equal static types are equal at run time.
      if (g.type(in(0)) == n.outputs[0]) return in(0);
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<Pass> ArithmeticSimplification() {
  return std::make_unique<ArithmeticSimplificationPass>();
}

}  // namespace kiln::passes

// Every op, driven by the table in op_cases.cc: kernel vs naive reference, gradient vs finite
// differences, and a registry-completeness check that no op is left out of the table.
#include <gtest/gtest.h>

#include <set>

#include "autodiff/backward.h"
#include "autodiff/gradient_check.h"
#include "tests/ops/op_cases.h"
#include "tests/testing/testing.h"

namespace kiln::testing {
namespace {

// A graph holding one node of the case's op, with its inputs as placeholders (or, for the sources,
// the source itself) ready to feed.
struct Harness {
  Graph g;
  VariableStore vars;
  std::vector<ValueRef> inputs;
  std::vector<Tensor> values;
  int node = -1;
  std::vector<ValueRef> outputs;

  Harness(const OpCase& c, DType run) {
    GraphBuilder b(g);
    std::mt19937 rng(static_cast<uint32_t>(std::hash<std::string>{}(c.name)));
    auto shapes = c.shapes.empty() ? std::vector<Shape>{} : ParseShapes(c.shapes);
    for (size_t i = 0; i < shapes.size(); ++i) {
      DType t = i < c.dtypes.size() && c.dtypes[i] ? *c.dtypes[i] : run;
      values.push_back(RandomTensor(t, shapes[i], rng, c.lo, c.hi));
    }
    if (c.prepare) c.prepare(values);
    AttrMap attrs = c.attrs;
    if (c.op == "Placeholder" || c.op == "Variable") {
      attrs.Set("dtype", run);
      attrs.Set("shape", shapes[0].dims());
      outputs = b.OpN(c.op, {}, attrs, "source");
      if (c.op == "Placeholder")
        inputs.push_back(outputs[0]);
      else
        vars.Set("source", values[0]);
      node = outputs[0].node;
      return;
    }
    for (size_t i = 0; i < values.size(); ++i)
      inputs.push_back(
          b.Placeholder("x" + std::to_string(i), values[i].dtype(), values[i].shape()));
    outputs = b.OpN(c.op, inputs, attrs, "op");
    node = g.FindNode("op");
  }

  // Copies, so that an op that mutates its input (Dropout's state) sees the same value every run.
  std::vector<Feed> Feeds(const std::vector<Tensor>& xs, bool copy = true) const {
    std::vector<Feed> feeds;
    for (size_t i = 0; i < inputs.size(); ++i)
      feeds.push_back({inputs[i], copy ? xs[i].Clone() : xs[i]});
    return feeds;
  }
};

}  // namespace

void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

namespace {

class OpCaseTest : public ::testing::TestWithParam<OpCase> {};

TEST_P(OpCaseTest, KernelMatchesReference) {
  const OpCase& c = GetParam();
  const OpDef& def = OpRegistry::Global().Get(c.op);
  for (DType run : c.runs) {
    SCOPED_TRACE(std::string(DTypeName(run)));
    Harness h(c, run);
    Executor exec(h.g, h.outputs, {h.node}, &h.vars);
    // Mutating ops write into what they are fed, so feed copies and compare those afterwards.
    std::vector<Tensor> fed;
    for (const Tensor& v : h.values) fed.push_back(v.Clone());
    std::vector<Tensor> got = exec.Run(h.Feeds(fed, /*copy=*/false));
    if (def.writes_inputs() && !c.compare_outputs) got.assign(fed.begin(), fed.end());
    std::vector<Tensor> want = c.ref(h.values, h.g.node(h.node).attrs);
    ASSERT_LE(want.size(), got.size());
    const double tol = run == kFloat32 ? c.tolerance32 : c.tolerance64;
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(got[i].shape(), want[i].shape()) << "output " << i;
      if (!IsFloating(want[i].dtype())) {
        EXPECT_EQ(got[i].dtype(), want[i].dtype()) << "output " << i;
      }
      double scale = 1;
      const Tensor want64 = want[i].astype(kFloat64);
      for (double v : want64.values<double>()) scale = std::max(scale, std::abs(v));
      EXPECT_LE(MaxAbsDiff(got[i], want[i]), tol * scale * 8)
          << "output " << i << "\n got " << got[i].DebugString(64) << "\nwant "
          << want[i].DebugString(64);
    }
  }
}

TEST_P(OpCaseTest, GradientMatchesFiniteDifferences) {
  const OpCase& c = GetParam();
  const OpDef& def = OpRegistry::Global().Get(c.op);
  if (!def.differentiable() || def.inputs.empty())
    GTEST_SKIP() << c.op << ": " << def.not_differentiable;
  Harness h(c, kFloat64);
  GraphBuilder b(h.g);
  // Objective: sum(y * r) with a fixed random r, so every output element matters differently.
  std::mt19937 rng(7);
  const TensorType yt = h.g.type(h.outputs[0]);
  if (yt.dtype != kFloat64)
    GTEST_SKIP() << "output is " << DTypeName(yt.dtype) << " in a float64 run";
  ValueRef r = b.Const(RandomTensor(kFloat64, yt.shape, rng, 0.5, 1.5));
  ValueRef obj = b.Op("ReduceSum", {b.Op("Mul", {h.outputs[0], r})});
  std::vector<ValueRef> params;
  std::vector<Tensor> checked;
  std::vector<int> which;
  for (int i = 0; i < static_cast<int>(h.inputs.size()); ++i) {
    if (!IsFloating(h.values[i].dtype())) continue;
    if (std::find(c.no_grad.begin(), c.no_grad.end(), i) != c.no_grad.end()) continue;
    params.push_back(h.inputs[i]);
    which.push_back(i);
  }
  if (params.empty()) GTEST_SKIP() << "no float input";
  std::vector<ValueRef> grads = BuildBackward(b, obj, params);
  std::vector<ValueRef> fetches = {obj};
  fetches.insert(fetches.end(), grads.begin(), grads.end());
  Executor exec(h.g, fetches, {}, &h.vars);
  std::vector<Tensor> out = exec.Run(h.Feeds(h.values));
  std::vector<Tensor> analytic(out.begin() + 1, out.end());
  for (int i : which) checked.push_back(h.values[i]);
  ScalarFn f = [&](std::span<const Tensor> xs) {
    std::vector<Tensor> all = h.values;
    for (size_t k = 0; k < which.size(); ++k) all[which[k]] = xs[k];
    return exec.Run(h.Feeds(all))[0].item<double>();
  };
  GradientCheckResult res = CheckGradients(f, checked, analytic, 1e-6);
  EXPECT_LT(res.max_rel_error, c.grad_tolerance) << res.worst;
}

INSTANTIATE_TEST_SUITE_P(AllOps, OpCaseTest, ::testing::ValuesIn(OpCases()),
                         [](const auto& info) { return info.param.name; });

TEST(OpRegistry, EveryOpIsComplete) {
  std::set<std::string> with_case;
  for (const OpCase& c : OpCases()) with_case.insert(c.op);
  for (const OpDef* def : OpRegistry::Global().All()) {
    SCOPED_TRACE(def->name);
    EXPECT_TRUE(def->shape_fn != nullptr);
    EXPECT_TRUE(def->differentiable() || !def->not_differentiable.empty());
    EXPECT_TRUE(with_case.count(def->name)) << "no row in tests/ops/op_cases.cc";
    // A CPU float32 kernel, or for ops whose first input cannot be float32, a CPU kernel for the
    // first dtype that input accepts.
    DType key = kFloat32;
    if (!def->inputs.empty() && !def->inputs[0].dtypes.empty() &&
        std::find(def->inputs[0].dtypes.begin(), def->inputs[0].dtypes.end(), kFloat32) ==
            def->inputs[0].dtypes.end())
      key = def->inputs[0].dtypes[0];
    EXPECT_NE(KernelRegistry::Global().Find(def->name, "cpu", key), nullptr)
        << "no CPU kernel for " << DTypeName(key);
  }
  EXPECT_GE(OpRegistry::Global().All().size(), 40u);
}

}  // namespace
}  // namespace kiln::testing

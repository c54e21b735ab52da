// Each optimizer pass: the op counts it leaves on small graphs, and the same numbers before and
// after on random inputs; then the whole pipeline on a training step of the tutorial MLP.
#include <gtest/gtest.h>

#include <sstream>

#include "autodiff/backward.h"
#include "passes/pipeline.h"
#include "tests/testing/testing.h"

namespace kiln::passes {
namespace {

using testing::RandomTensor;

int Count(const Graph& g, const std::string& op) {
  auto c = g.OpCounts();
  return c.count(op) ? c.at(op) : 0;
}

// Runs `fetches` on both graphs with the same feeds and variables; returns the max difference.
double MaxDiff(const Graph& a, const Graph& b, const std::vector<ValueRef>& fetches,
               const std::vector<Feed>& feeds, const VariableStore& vars, bool bitwise) {
  VariableStore va = vars, vb = vars;  // copies share buffers: clone for independence
  for (const auto& [k, v] : vars.items()) va.Set(k, v.Clone()), vb.Set(k, v.Clone());
  auto ra = Executor(a, fetches, {}, &va).Run(feeds);
  auto rb = Executor(b, fetches, {}, &vb).Run(feeds);
  double m = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    if (bitwise) {
      EXPECT_TRUE(ra[i].BitwiseEquals(rb[i])) << "fetch " << i;
    }
    m = std::max(m, testing::MaxAbsDiff(ra[i], rb[i]));
  }
  return m;
}

// Removes one Neg(Neg(v)) pair per run: a pass that needs several rounds to finish its work.
class OnePairPerRun : public Pass {
 public:
  std::string name() const override { return "one-pair-per-run"; }
  bool Run(Graph& g, const PassOptions&) override {
    for (int id : g.NodeIds()) {
      const Node& outer = g.node(id);
      if (outer.op != "Neg" || g.node(outer.inputs[0].node).op != "Neg") continue;
      const int inner = outer.inputs[0].node;
      g.ReplaceAllUses({id, 0}, g.node(inner).inputs[0]);
      g.RemoveNode(id);
      if (g.Consumers({inner, 0}).empty()) g.RemoveNode(inner);
      return true;
    }
    return false;
  }
};

class NeverDone : public Pass {
 public:
  std::string name() const override { return "never-done"; }
  bool Run(Graph&, const PassOptions&) override { return true; }
};

TEST(PassManager, RepeatsTheRoundsUntilNothingChanges) {
  Graph g;
  GraphBuilder b(g);
  ValueRef y = b.Placeholder("x", kFloat32, {3});
  for (int i = 0; i < 6; ++i) y = b.Op("Neg", {y});
  ValueRef out = b.Op("Exp", {y});
  PassManager pm;
  pm.Add(std::make_unique<OnePairPerRun>());
  std::ostringstream report;
  EXPECT_TRUE(pm.Run(g, {.keep = {out.node}}, &report));
  EXPECT_EQ(pm.rounds_run(), 4);  // three pairs, then a round that changes nothing
  EXPECT_EQ(Count(g, "Neg"), 0);
  EXPECT_NE(report.str().find("round 3: one-pair-per-run: changed"), std::string::npos)
      << report.str();
  EXPECT_NE(report.str().find("fixed point after 4 rounds"), std::string::npos) << report.str();

  PassManager bounded(3);
  bounded.Add(std::make_unique<NeverDone>());
  std::ostringstream r2;
  bounded.Run(g, {}, &r2);
  EXPECT_EQ(bounded.rounds_run(), 3);
  EXPECT_NE(r2.str().find("stopped after 3 rounds"), std::string::npos) << r2.str();
}

TEST(DeadCodeElimination, KeepsWhatFetchesAndUpdatesNeed) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {2});
  auto y = b.Op("Exp", {x});
  b.Op("Neg", {b.Op("Log", {x})});  // dead
  auto w = b.Variable("w", kFloat32, {2});
  b.OpN("ApplyGradientDescent", {w, b.Scalar(0.1), b.Op("Square", {x})});  // an update: alive
  auto pm = PassManager();
  pm.Add(DeadCodeElimination());
  EXPECT_TRUE(pm.Run(g, {.keep = {y.node}}));
  EXPECT_EQ(Count(g, "Log"), 0);
  EXPECT_EQ(Count(g, "Neg"), 0);
  EXPECT_EQ(Count(g, "Exp"), 1);
  EXPECT_EQ(Count(g, "Square"), 1);
  EXPECT_EQ(Count(g, "ApplyGradientDescent"), 1);
  EXPECT_FALSE(pm.Run(g, {.keep = {y.node}}));
}

TEST(CommonSubexpressionElimination, MergesDuplicatesButNotState) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {3});
  auto x2 = b.Placeholder("x2", kFloat32, {3});  // same attrs, different feed: must stay
  auto a = b.Op("Exp", {x});
  auto c = b.Op("Exp", {x});
  auto two1 = b.Scalar(2), two2 = b.Scalar(2);
  auto out = b.Op("Add", {b.Op("Mul", {a, two1}), b.Op("Mul", {c, two2})});
  auto other = b.Op("Add", {x2, out});
  Graph before = g;
  auto pm = PassManager();
  pm.Add(CommonSubexpressionElimination());
  pm.Add(DeadCodeElimination());
  pm.Run(g, {.keep = {other.node}});
  EXPECT_EQ(Count(g, "Exp"), 1);
  EXPECT_EQ(Count(g, "Mul"), 1);
  EXPECT_EQ(Count(g, "Const"), 1);
  EXPECT_EQ(Count(g, "Placeholder"), 2);
  std::mt19937 rng(1);
  std::vector<Feed> feeds = {{x, RandomTensor(kFloat32, {3}, rng)},
                             {x2, RandomTensor(kFloat32, {3}, rng)}};
  MaxDiff(before, g, {other}, feeds, {}, /*bitwise=*/true);
}

TEST(ConstantFolding, RunsRealKernelsOnConstants) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {2, 2});
  auto k = b.Const(Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2}));
  auto folded = b.Op("Exp", {b.Op("MatMul", {k, k})});
  auto y = b.Op("Add", {x, folded});
  Graph before = g;
  auto pm = PassManager();
  pm.Add(ConstantFolding());
  pm.Add(DeadCodeElimination());
  EXPECT_TRUE(pm.Run(g, {.keep = {y.node}}));
  EXPECT_EQ(Count(g, "MatMul"), 0);
  EXPECT_EQ(Count(g, "Exp"), 0);
  EXPECT_EQ(g.node(folded.node).op, "Const");
  std::mt19937 rng(2);
  MaxDiff(before, g, {y}, {{x, RandomTensor(kFloat32, {2, 2}, rng)}}, {}, /*bitwise=*/true);
}

TEST(ArithmeticSimplification, RemovesIdentities) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {kUnknownDim, 3});
  auto y = b.Op("Mul", {x, b.Scalar(1)});
  y = b.Op("Add", {b.Scalar(0), y});
  y = b.Op("Neg", {b.Op("Neg", {y})});
  y = b.Op("Cast", {y}, {{"dtype", kFloat32}});
  y = b.Op("Reshape", {y}, {{"shape", std::vector<int64_t>{-1, 3}}});
  auto out = b.Op("Exp", {y});
  auto broadcast = b.Op(
      "Mul", {b.Placeholder("s", kFloat32, {}), b.Const(Tensor::FromVector<float>({1, 1}, {2}))});
  Graph before = g;
  auto pm = PassManager();
  pm.Add(ArithmeticSimplification());
  pm.Add(DeadCodeElimination());
  EXPECT_TRUE(pm.Run(g, {.keep = {out.node, broadcast.node}}));
  EXPECT_EQ(g.node(out.node).inputs[0], x);
  EXPECT_EQ(Count(g, "Neg") + Count(g, "Add") + Count(g, "Cast") + Count(g, "Reshape"), 0);
  EXPECT_EQ(Count(g, "Mul"), 1);  // s * [1, 1] broadcasts a scalar: not an identity
  std::mt19937 rng(3);
  MaxDiff(before, g, {out},
          {{x, RandomTensor(kFloat32, {4, 3}, rng)},
           {ValueRef{g.FindNode("s"), 0}, Tensor::Scalar(2.f)}},
          {}, true);
}

struct Mlp {
  Graph g;
  VariableStore vars;
  ValueRef x, labels, loss;
  std::vector<ValueRef> params, grads;
  Mlp(const std::vector<int>& sizes, const std::vector<std::string>& acts) {
    GraphBuilder b(g);
    std::mt19937 rng(5);
    x = b.Placeholder("x", kFloat32, {kUnknownDim, sizes[0]});
    labels = b.Placeholder("labels", kFloat32, {kUnknownDim, sizes.back()});
    ValueRef h = x;
    for (size_t l = 1; l < sizes.size(); ++l) {
      std::string n = "l" + std::to_string(l);
      auto w = b.Variable(n + "/w", kFloat32, {sizes[l - 1], sizes[l]});
      auto bias = b.Variable(n + "/b", kFloat32, {sizes[l]});
      vars.Set(n + "/w", RandomTensor(kFloat32, {sizes[l - 1], sizes[l]}, rng, -0.3, 0.3));
      vars.Set(n + "/b", RandomTensor(kFloat32, {sizes[l]}, rng, -0.1, 0.1));
      params.push_back(w);
      params.push_back(bias);
      h = b.Op("BiasAdd", {b.Op("MatMul", {h, w}), bias});
      if (l + 1 < sizes.size()) h = b.Op(acts[(l - 1) % acts.size()], {h});
    }
    loss = b.Op("ReduceMean", {b.OpN("SoftmaxCrossEntropy", {h, labels})[0]});
    grads = BuildBackward(b, loss, params);
  }
  // SGD updates of every parameter; returns the update nodes.
  std::vector<int> AddUpdates() {
    GraphBuilder b(g);
    auto lr = b.Scalar(0.1);
    std::vector<int> updates;
    for (size_t i = 0; i < params.size(); ++i) {
      b.OpN("ApplyGradientDescent", {params[i], lr, grads[i]});
      updates.push_back(g.capacity() - 1);
    }
    return updates;
  }
  PassOptions Keep(const std::vector<int>& updates) const {
    PassOptions keep{.keep = {loss.node}};
    keep.keep.insert(keep.keep.end(), updates.begin(), updates.end());
    return keep;
  }
};

// Runs `steps` training steps of `m`'s loss and updates on graph `g`, from copies of m's
// variables; returns the last loss and the trained variables.
std::pair<float, VariableStore> Train(const Mlp& m, const Graph& g, const std::vector<int>& updates,
                                      const std::vector<Feed>& feeds, int steps) {
  VariableStore vars;
  for (const auto& [k, v] : m.vars.items()) vars.Set(k, v.Clone());
  Executor e(g, {m.loss}, updates, &vars);
  float l = 0;
  for (int s = 0; s < steps; ++s) l = e.Run(feeds)[0].item<float>();
  return {l, vars};
}

void ExpectSameTraining(const Mlp& m, const Graph& optimized, const std::vector<int>& updates,
                        const std::vector<Feed>& feeds) {
  auto [la, va] = Train(m, m.g, updates, feeds, 3);
  auto [lb, vb] = Train(m, optimized, updates, feeds, 3);
  // Fusion changes the order of the bias additions: equal to rounding, not bitwise.
  EXPECT_NEAR(la, lb, 1e-6 * std::max(1.f, std::abs(la)));
  for (const auto& [k, v] : va.items()) {
    double scale = 1;
    for (float f : v.values<float>()) scale = std::max(scale, double(std::abs(f)));
    EXPECT_LT(testing::MaxAbsDiff(v, vb.Get(k)), 1e-6 * scale) << k;
  }
}

TEST(Fusion, MatMulBiasActivationAndItsGradient) {
  Mlp m({6, 8, 7, 5}, {"Relu", "Tanh"});
  const std::vector<int> updates = m.AddUpdates();
  Graph optimized = m.g;
  auto pm = PassManager();
  pm.Add(FuseMatMulBiasActivation());
  pm.Add(FuseActivationBiasGrad());
  pm.Add(DeadCodeElimination());
  EXPECT_TRUE(pm.Run(optimized, m.Keep(updates)));
  EXPECT_EQ(Count(optimized, "FusedMatMul"), 3);
  EXPECT_EQ(Count(optimized, "BiasAdd"), 0);
  EXPECT_EQ(Count(optimized, "Relu") + Count(optimized, "Tanh"), 0);
  EXPECT_EQ(Count(optimized, "FusedActivationBiasGrad"), 2);
  EXPECT_EQ(Count(optimized, "ReluGrad") + Count(optimized, "TanhGrad"), 0);
  EXPECT_EQ(Count(optimized, "SumToShapeOf"), 1);  // the output layer's bias: no activation to fuse
  std::mt19937 rng(6);
  ExpectSameTraining(m, optimized, updates,
                     {{m.x, RandomTensor(kFloat32, {9, 6}, rng)},
                      {m.labels, RandomTensor(kFloat32, {9, 5}, rng, 0, 1)}});
}

TEST(Fusion, LeavesSharedIntermediatesAlone) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {2, 3});
  auto w = b.Const(Tensor(kFloat32, {3, 4}));
  auto bias = b.Const(Tensor(kFloat32, {4}));
  auto z = b.Op("BiasAdd", {b.Op("MatMul", {x, w}), bias});
  auto r = b.Op("Relu", {z});
  auto also = b.Op("Exp", {z});  // z has two readers
  auto pm = PassManager();
  pm.Add(FuseMatMulBiasActivation());
  pm.Run(g, {.keep = {r.node, also.node}});
  EXPECT_EQ(Count(g, "Relu"), 1);
  EXPECT_EQ(Count(g, "FusedMatMul"), 1);  // MatMul+BiasAdd fused (linear), Relu stays
  EXPECT_EQ(g.node(z.node).op, "FusedMatMul");
}

// The whole pipeline on a training step of the tutorial MLP (784-128-256-512-10): the same loss
// and the same updated weights, within float rounding.
TEST(Pipeline, TutorialMlpTrainingStep) {
  Mlp m({784, 128, 256, 512, 10}, {"Relu"});
  const std::vector<int> updates = m.AddUpdates();
  Graph optimized = m.g;
  std::ostringstream report;
  RunDefaultPipeline(optimized, m.Keep(updates), &report);
  EXPECT_LT(optimized.num_nodes(), m.g.num_nodes()) << report.str();
  EXPECT_EQ(Count(optimized, "FusedMatMul"), 4) << report.str();
  EXPECT_EQ(Count(optimized, "FusedActivationBiasGrad"), 3) << report.str();
  std::mt19937 rng(8);
  Tensor yb(kFloat32, {32, 10});
  for (int i = 0; i < 32; ++i) yb.data<float>()[i * 10 + i % 10] = 1;
  ExpectSameTraining(m, optimized, updates,
                     {{m.x, RandomTensor(kFloat32, {32, 784}, rng, 0, 1)}, {m.labels, yb}});
}

// A counting allocator: after the first (planning) run, a training step allocates nothing.
class CountingAllocator : public Allocator {
 public:
  std::shared_ptr<std::byte> Allocate(size_t bytes) override {
    ++count;
    return DefaultAllocator().Allocate(bytes);
  }
  int count = 0;
};

TEST(MemoryPlan, SteadyStateStepAllocatesNothingAndReusesBuffers) {
  Mlp m({784, 128, 256, 512, 10}, {"Relu"});
  const std::vector<int> updates = m.AddUpdates();
  RunDefaultPipeline(m.g, m.Keep(updates));
  CountingAllocator counting;
  Executor e(m.g, {m.loss}, updates, &m.vars, {.allocator = &counting});
  std::mt19937 rng(9);
  Tensor xb = RandomTensor(kFloat32, {32, 784}, rng, 0, 1), yb(kFloat32, {32, 10});
  e.RunInPlace({{m.x, xb}, {m.labels, yb}});
  const int after_plan = counting.count;
  EXPECT_GT(after_plan, 0);
  for (int s = 0; s < 5; ++s) e.RunInPlace({{m.x, xb}, {m.labels, yb}});
  EXPECT_EQ(counting.count, after_plan);
  // Reuse: the planned buffers take clearly less than one buffer per value.
  EXPECT_LT(e.planned_bytes(), e.unshared_bytes() * 3 / 4)
      << e.planned_bytes() << " of " << e.unshared_bytes();
}

// A [4] value that lands in a pooled [3,4]-sized buffer must not be overwritten in place by the
// broadcast Add that reads it: Add reads b[j] again for every row after row 0 has been written.
TEST(MemoryPlan, NoInPlaceReuseOfABroadcastInput) {
  Graph g;
  GraphBuilder b(g);
  ValueRef x = b.Placeholder("x", kFloat32, {3, 4});
  ValueRef e = b.Op("Exp", {x});                                               // [3,4], pooled
  ValueRef s = b.Op("ReduceSum", {e}, {{"axes", std::vector<int64_t>{0}}});    // e's buffer freed
  ValueRef col = b.Op("ReduceSum", {x}, {{"axes", std::vector<int64_t>{0}}});  // [4] in e's buffer
  ValueRef out = b.Op("Add", {x, col});
  std::mt19937 rng(3);
  Tensor xt = RandomTensor(kFloat32, {3, 4}, rng);
  auto r = Executor(g, {s, out}, {}, nullptr).Run({{x, xt}});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) {
      float c = 0;
      for (int k = 0; k < 3; ++k) c += xt.data<float>()[k * 4 + j];
      EXPECT_FLOAT_EQ(r[1].data<float>()[i * 4 + j], xt.data<float>()[i * 4 + j] + c)
          << "[" << i << "," << j << "]";
    }
}

}  // namespace
}  // namespace kiln::passes

#include "autodiff/backward.h"

#include <gtest/gtest.h>

#include "autodiff/gradient_check.h"
#include "tests/testing/testing.h"

namespace kiln {
namespace {

TEST(BuildBackward, AccumulatesFanOutAndPrunes) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat64, {3});
  auto w = b.Placeholder("w", kFloat64, {3});
  // loss = sum(w*x + w*w) + sum(exp(x)); dloss/dw = x + 2w (w fans out three times). The exp
  // branch reaches the loss but no parameter: its gradient (dy * exp(x)) must not be built.
  auto e = b.Op("Exp", {x});
  auto loss =
      b.Op("Add", {b.Op("ReduceSum", {b.Op("Add", {b.Op("Mul", {w, x}), b.Op("Mul", {w, w})})}),
                   b.Op("ReduceSum", {e})});
  const int before = g.capacity();
  auto grads = BuildBackward(b, loss, std::vector<ValueRef>{w});
  for (int id : g.NodeIds())
    if (id >= before) {
      for (const ValueRef& in : g.node(id).inputs)
        EXPECT_NE(in.node, e.node) << "pruning failed: " << g.node(id).name << " reads exp(x)";
      EXPECT_EQ(g.node(id).name.rfind("gradients/", 0), 0u) << g.node(id).name;
    }
  Executor exec(g, grads, {}, nullptr);
  auto out = exec.Run({{x, Tensor::FromVector<double>({1, 2, 3}, {3})},
                       {w, Tensor::FromVector<double>({0.5, -1, 2}, {3})}});
  EXPECT_EQ(out[0].ToVector<double>(), (std::vector<double>{2, 0, 7}));
}

TEST(BuildBackward, BroadcastGradientsReduceToInputShape) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat64, {kUnknownDim, 3});
  auto bias = b.Variable("bias", kFloat64, {3});
  auto loss = b.Op("ReduceSum", {b.Op("Add", {x, bias})});
  auto grads = BuildBackward(b, loss, std::vector<ValueRef>{bias});
  EXPECT_EQ(g.type(grads[0]).shape, Shape{3});
  VariableStore vars;
  vars.Set("bias", Tensor(kFloat64, {3}));
  Executor exec(g, grads, {}, &vars);
  auto out = exec.Run({{x, Tensor(kFloat64, {5, 3})}});
  EXPECT_EQ(out[0].ToVector<double>(), (std::vector<double>{5, 5, 5}));
}

TEST(BuildBackward, ParamNotReachingLossGetsZeros) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {2});
  auto w = b.Variable("w", kFloat32, {4});
  auto loss = b.Op("ReduceSum", {x});
  auto grads = BuildBackward(b, loss, std::vector<ValueRef>{w});
  EXPECT_EQ(g.node(grads[0].node).op, "Const");
  EXPECT_EQ(g.type(grads[0]).shape, Shape{4});
}

// A float op without a gradient, registered for this test only.
KILN_REGISTER_OP(OpDef{
    .name = "TestRound",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .shape_fn = [](const InferenceContext& c) { return std::vector<TensorType>{c.inputs[0]}; },
    .not_differentiable = "rounding is piecewise constant",
});

TEST(BuildBackward, NonDifferentiablePathIsAClearError) {
  Graph g;
  GraphBuilder b(g);
  auto w = b.Placeholder("w", kFloat32, {3});
  auto loss = b.Op("ReduceSum", {b.Op("TestRound", {w}, {}, "round")});
  try {
    BuildBackward(b, loss, std::vector<ValueRef>{w});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(
        std::string(e.what()).find("node 'round' (TestRound): rounding is piecewise constant"),
        std::string::npos)
        << e.what();
  }
  auto idx = b.Op("ArgMax", {w});
  EXPECT_THROW(BuildBackward(b, b.Op("ReduceSum", {idx}), std::vector<ValueRef>{w}), TypeError);
}

TEST(BuildBackward, IntegerPathsCarryNoGradient) {
  Graph g;
  GraphBuilder b(g);
  auto w = b.Placeholder("w", kFloat32, {3});
  auto loss = b.Op("ReduceSum", {b.Op("Cast", {b.Op("ArgMax", {w})}, {{"dtype", kFloat32}})});
  auto grads = BuildBackward(b, loss, std::vector<ValueRef>{w});
  EXPECT_EQ(g.node(grads[0].node).op, "Const");
}

// The whole lowered graph of a small model, checked against finite differences.
TEST(BuildBackward, TwoLayerNetworkMatchesFiniteDifferences) {
  Graph g;
  GraphBuilder b(g);
  std::mt19937 rng(3);
  auto x = b.Placeholder("x", kFloat64, {4, 3});
  auto labels = b.Const(Tensor::FromVector<double>({1, 0, 0, 1, 0, 1, 1, 0}, {4, 2}));
  std::vector<ValueRef> params = {
      b.Placeholder("w1", kFloat64, {3, 5}), b.Placeholder("b1", kFloat64, {5}),
      b.Placeholder("w2", kFloat64, {5, 2}), b.Placeholder("b2", kFloat64, {2})};
  auto h = b.Op("Tanh", {b.Op("BiasAdd", {b.Op("MatMul", {x, params[0]}), params[1]})});
  auto logits = b.Op("BiasAdd", {b.Op("MatMul", {h, params[2]}), params[3]});
  auto loss = b.Op("ReduceMean", {b.OpN("SoftmaxCrossEntropy", {logits, labels})[0]});
  auto grads = BuildBackward(b, loss, params);
  std::vector<ValueRef> fetches = {loss};
  fetches.insert(fetches.end(), grads.begin(), grads.end());
  Executor exec(g, fetches, {}, nullptr);
  Tensor xv = testing::RandomTensor(kFloat64, {4, 3}, rng);
  std::vector<Tensor> pv;
  for (const auto& p : params) pv.push_back(testing::RandomTensor(kFloat64, g.type(p).shape, rng));
  auto feeds = [&](std::span<const Tensor> ps) {
    std::vector<Feed> f = {{x, xv}};
    for (size_t i = 0; i < params.size(); ++i) f.push_back({params[i], ps[i]});
    return f;
  };
  auto out = exec.Run(feeds(pv));
  std::vector<Tensor> analytic(out.begin() + 1, out.end());
  auto r = CheckGradients(
      [&](std::span<const Tensor> ps) { return exec.Run(feeds(ps))[0].item<double>(); }, pv,
      analytic);
  EXPECT_LT(r.max_rel_error, 1e-7) << r.worst;
}

}  // namespace
}  // namespace kiln

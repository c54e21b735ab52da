// A layer's gradient against central finite differences, through BuildBackward, in float64.
//
//   layers::Add add;
//   ExpectGradientsMatch(add, {{3, 2}, {3, 2}}, /*seed=*/1);
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <random>

#include "autodiff/backward.h"
#include "autodiff/gradient_check.h"
#include "keras/layers/layer.h"
#include "tests/testing/testing.h"

namespace kiln::keras {

inline Shape BatchedShape(const Shape& s) {
  std::vector<int64_t> d = s.dims();
  d[0] = kUnknownDim;
  return Shape(d);
}

// d/dx and d/dweights of sum(layer(x...) * r) for random x in [lo, hi), the layer's own weights
// (it is built for the shapes first) and a random r, against central differences of step 1e-6
// (inputs kept at least 1e-2 away from each of `kinks`, where a piecewise layer's derivative
// jumps).
//
// The objective sums every output of the layer (each times its own r); `mask`, when given, is the
// first input's Keras mask (a fixed (batch, steps) tensor of 0 and 1).
inline void ExpectGradientsMatch(Layer& layer, const std::vector<Shape>& shapes, uint32_t seed,
                                 double lo = -2, double hi = 2, std::vector<double> kinks = {},
                                 std::optional<Tensor> mask = std::nullopt) {
  std::mt19937 rng(seed);
  Graph g;
  GraphBuilder b(g);
  std::vector<ValueRef> in;
  std::vector<Tensor> values;
  for (size_t i = 0; i < shapes.size(); ++i) {
    Tensor v = testing::RandomTensor(kFloat64, shapes[i], rng, lo, hi);
    double* p = v.data<double>();
    for (int64_t j = 0; j < v.num_elements(); ++j)
      for (double k : kinks)
        if (std::abs(p[j] - k) < 1e-3) p[j] = k + 1e-2;
    values.push_back(v);
    in.push_back(b.Placeholder("x" + std::to_string(i), kFloat64, BatchedShape(shapes[i])));
  }
  std::vector<Shape> batched;
  for (const Shape& s : shapes) batched.push_back(BatchedShape(s));
  if (!layer.built()) layer.Build(batched);  // a weightless layer may be reused for other shapes
  std::vector<ValueRef> weights;
  for (const Weight& w : layer.weights()) {
    weights.push_back(b.Placeholder(w.name, kFloat64, w.value.shape()));
    values.push_back(w.value.astype(kFloat64));
  }
  std::vector<ValueRef> masks;
  if (mask) masks.push_back(b.Const(mask->astype(kFloat32)));
  const std::vector<ValueRef> ys = layer.Call(b, in, {.weights = weights, .masks = masks});
  in.insert(in.end(), weights.begin(), weights.end());
  ValueRef obj;
  for (ValueRef y : ys) {
    std::vector<int64_t> yd = g.type(y).shape.dims();
    yd[0] = shapes[0][0];
    ValueRef r = b.Const(testing::RandomTensor(kFloat64, Shape(yd), rng, 0.5, 1.5));
    ValueRef term = b.Op("ReduceSum", {b.Op("Mul", {y, r})});
    obj = obj.valid() ? b.Op("Add", {obj, term}) : term;
  }
  std::vector<ValueRef> fetches = {obj};
  for (ValueRef gr : BuildBackward(b, obj, in)) fetches.push_back(gr);
  Executor exec(g, fetches, {}, nullptr);
  auto feeds = [&](std::span<const Tensor> xs) {
    std::vector<Feed> f;
    for (size_t i = 0; i < xs.size(); ++i) f.push_back({in[i], xs[i].Clone()});
    return f;
  };
  std::vector<Tensor> out = exec.Run(feeds(values));
  std::vector<Tensor> analytic(out.begin() + 1, out.end());
  ScalarFn f = [&](std::span<const Tensor> xs) { return exec.Run(feeds(xs))[0].item<double>(); };
  GradientCheckResult res = CheckGradients(f, values, analytic, 1e-6);
  EXPECT_LT(res.max_rel_error, 1e-7) << layer.class_name() << ": " << res.worst;
}

}  // namespace kiln::keras

// End to end in the IR alone: a softmax classifier and a two-layer MLP written as graphs, trained
// with BuildBackward and SGD update ops on a synthetic problem.
#include <gtest/gtest.h>

#include "autodiff/backward.h"
#include "tests/testing/testing.h"

namespace kiln {
namespace {

// Three Gaussian blobs in 2-D (linearly separable), or, for the MLP, points labelled by whether
// they fall inside a disc (not linearly separable).
void MakeData(bool ring, int n, Tensor& x, Tensor& y, std::mt19937& rng) {
  x = Tensor(kFloat32, {n, 2});
  y = Tensor(kFloat32, {n, ring ? 2 : 3});
  std::normal_distribution<float> noise(0.f, 0.4f);
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  const float centers[3][2] = {{-2, 0}, {2, 0}, {0, 2.5}};
  for (int i = 0; i < n; ++i) {
    int label;
    float a, b;
    if (ring) {
      a = u(rng), b = u(rng);
      float r = std::sqrt(a * a + b * b);
      label = r < 1.4f ? 1 : 0;
    } else {
      label = i % 3;
      a = centers[label][0] + noise(rng), b = centers[label][1] + noise(rng);
    }
    x.data<float>()[2 * i] = a;
    x.data<float>()[2 * i + 1] = b;
    y.data<float>()[i * y.dim(1) + label] = 1.f;
  }
}

double Train(const std::vector<int>& hidden, bool ring) {
  std::mt19937 rng(1);
  Tensor xs, ys;
  MakeData(ring, 600, xs, ys, rng);
  const int classes = static_cast<int>(ys.dim(1));
  Graph g;
  GraphBuilder b(g);
  VariableStore vars;
  auto x = b.Placeholder("x", kFloat32, {kUnknownDim, 2});
  auto labels = b.Placeholder("labels", kFloat32, {kUnknownDim, classes});
  std::vector<ValueRef> params;
  ValueRef h = x;
  int in = 2;
  std::vector<int> sizes = hidden;
  sizes.push_back(classes);
  for (size_t l = 0; l < sizes.size(); ++l) {
    std::string n = "layer" + std::to_string(l);
    auto w = b.Variable(n + "/kernel", kFloat32, {in, sizes[l]});
    auto bias = b.Variable(n + "/bias", kFloat32, {sizes[l]});
    float limit = std::sqrt(6.f / (in + sizes[l]));
    vars.Set(n + "/kernel", testing::RandomTensor(kFloat32, {in, sizes[l]}, rng, -limit, limit));
    vars.Set(n + "/bias", Tensor(kFloat32, {sizes[l]}));
    params.push_back(w);
    params.push_back(bias);
    h = b.Op("BiasAdd", {b.Op("MatMul", {h, w}), bias});
    if (l + 1 < sizes.size()) h = b.Op("Relu", {h});
    in = sizes[l];
  }
  auto outs = b.OpN("SoftmaxCrossEntropy", {h, labels});
  auto loss = b.Op("ReduceMean", {outs[0]});
  auto grads = BuildBackward(b, loss, params);
  auto lr = b.Scalar(0.1);
  std::vector<int> updates;
  for (size_t i = 0; i < params.size(); ++i) {
    b.OpN("ApplyGradientDescent", {params[i], lr, grads[i]});
    updates.push_back(g.capacity() - 1);
  }
  auto correct = b.Op("Equal", {b.Op("ArgMax", {h}), b.Op("ArgMax", {labels})});
  auto accuracy = b.Op("ReduceMean", {b.Op("Cast", {correct}, {{"dtype", kFloat32}})});
  Executor train(g, {loss}, updates, &vars);
  Executor eval(g, {accuracy}, {}, &vars);
  float first_loss = 0, last_loss = 0;
  for (int epoch = 0; epoch < 150; ++epoch)
    for (int s = 0; s < 600; s += 20) {
      last_loss =
          train.Run({{x, xs.Slice(s, s + 20)}, {labels, ys.Slice(s, s + 20)}})[0].item<float>();
      if (epoch == 0 && s == 0) first_loss = last_loss;
    }
  EXPECT_LT(last_loss, first_loss);
  return eval.Run({{x, xs}, {labels, ys}})[0].item<double>();
}

TEST(TrainInIR, SoftmaxClassifier) { EXPECT_GT(Train({}, false), 0.95); }

TEST(TrainInIR, TwoLayerMlpLearnsANonLinearBoundary) {
  EXPECT_GT(Train({32}, true), 0.95);
  // The same problem is out of reach without the hidden layer, so the MLP really learned it.
  EXPECT_LT(Train({}, true), 0.8);
}

}  // namespace
}  // namespace kiln

// Functional models built in C++: Keras's layer order, shared layers and nested models, the
// feature-extractor idiom, several inputs and outputs through fit/evaluate/predict, gradients
// through a shared layer and a residual Add against finite differences, and bad input.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "autodiff/backward.h"
#include "autodiff/gradient_check.h"
#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;
using ::kiln::testing::MaxAbsDiff;
using ::kiln::testing::RandomTensor;

std::vector<std::string> LayerNames(const Model& m) {
  std::vector<std::string> out;
  for (const auto& l : m.layers()) out.push_back(l->name());
  return out;
}

void ExpectError(const std::function<void()>& f, std::initializer_list<const char*> fragments) {
  const std::string msg = ErrorOf(f);
  for (const char* frag : fragments) EXPECT_NE(msg.find(frag), std::string::npos) << msg;
}

TEST(FunctionalGraph, LayersInKerasOrderAndNodesRecorded) {
  // a -> d1 -> add <- d2 <- b, add -> out: Keras lists layers by decreasing depth (the longest
  // path to an output), ties in the order the walk from the outputs first met them.
  KerasTensor a = Input({.shape = {4}, .name = "a"});
  KerasTensor b = Input({.shape = {4}, .name = "b"});
  KerasTensor h1 = layers::Dense(3, {.name = "d1"})(a);
  KerasTensor h2 = layers::Dense(3, {.name = "d2"})(b);
  KerasTensor s = layers::Add({.name = "add"})({h1, h2});
  KerasTensor out = layers::Dense(2, {.name = "out"})(s);
  EXPECT_EQ(out.shape(), (Shape{kUnknownDim, 2}));
  EXPECT_EQ(out.name(), "out");
  ASSERT_EQ(out.node()->inputs.size(), 1u);
  EXPECT_EQ(out.node()->inputs[0], s);
  Model m({.inputs = {a, b}, .outputs = {out}, .name = "diamond"});
  EXPECT_EQ(LayerNames(m), (std::vector<std::string>{"a", "b", "d1", "d2", "add", "out"}));
  EXPECT_EQ(m.input_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(m.output_names(), std::vector<std::string>{"out"});
  EXPECT_EQ(m.class_name(), "Functional");
  EXPECT_EQ(m.count_params(), 2 * (4 * 3 + 3) + 3 * 2 + 2);
  EXPECT_EQ(m.get_layer("add")->input_shapes().size(), 2u);
  EXPECT_EQ(m.get_layer("d1")->output(), h1);
  EXPECT_EQ(m.get_layer("d1")->input(), a);
  ExpectError([&] { m.get_layer("nope"); }, {"No such layer: nope", "'d1', 'd2'"});

  // The numbers: out = W3 (W1 a + b1 + W2 b + b2) + b3.
  Tensor xa = Tensor::FromVector<float>({1, 2, 3, 4}, {1, 4});
  Tensor xb = Tensor::FromVector<float>({-1, 0, 2, 1}, {1, 4});
  auto dense = [](const Tensor& x, const Layer& l) {
    const Tensor& w = l.weights()[0].value;
    const Tensor& bias = l.weights()[1].value;
    std::vector<float> y(w.dim(1));
    for (int64_t j = 0; j < w.dim(1); ++j) {
      y[j] = bias.data<float>()[j];
      for (int64_t i = 0; i < w.dim(0); ++i)
        y[j] += x.data<float>()[i] * w.data<float>()[i * w.dim(1) + j];
    }
    return Tensor::FromVector<float>(y, {1, w.dim(1)});
  };
  Tensor s1 = dense(xa, *m.get_layer("d1")), s2 = dense(xb, *m.get_layer("d2"));
  for (int j = 0; j < 3; ++j) s1.data<float>()[j] += s2.data<float>()[j];
  const Tensor want = dense(s1, *m.get_layer("out"));
  EXPECT_LE(MaxAbsDiff(m.predict({xa, xb}), want), 1e-6);
  EXPECT_LE(MaxAbsDiff(m.predict({{"b", xb}, {"a", xa}}), want), 1e-6);
}

TEST(FunctionalGraph, SharedLayerHasTwoNodesAndOneSetOfWeights) {
  KerasTensor a = Input({.shape = {3}, .name = "a"});
  KerasTensor b = Input({.shape = {3}, .name = "b"});
  LayerRef shared = layers::Dense(2, {.name = "shared"});
  KerasTensor ya = shared(a), yb = shared(b);
  Model m({.inputs = {a, b}, .outputs = {layers::Subtract()({ya, yb})}});
  EXPECT_EQ(m.count_params(), 3 * 2 + 2);
  EXPECT_EQ(m.get_weights().size(), 2u);
  EXPECT_EQ(m.get_layer("shared")->inbound_nodes().size(), 2u);
  // layer.output is undefined for a layer called twice, as in Keras.
  ExpectError([&] { m.get_layer("shared")->output(); }, {"shared"});
  // Equal inputs through the same weights cancel exactly.
  Tensor x = Tensor::FromVector<float>({0.5f, -1, 2, 3, 1, -2}, {2, 3});
  EXPECT_EQ(MaxAbsDiff(m.predict({x, x}), Tensor(kFloat32, {2, 2})), 0.0);
  // The node indices Keras writes: the second call of 'shared' is its node 1.
  std::vector<int> indices;
  for (const auto& n : m.nodes())
    if (n->layer->name() == "shared") indices.push_back(m.NodeIndex(*n));
  EXPECT_EQ(indices, (std::vector<int>{0, 1}));
}

TEST(FunctionalGraph, NestedModelsShareWeightsAndFeatureExtractorsReadInnerTensors) {
  Sequential inner({layers::Dense(4, {.activation = "tanh", .input_shape = {3}, .name = "h"}),
                    layers::Dense(2, {.name = "z"})},
                   "inner");
  KerasTensor x = Input({.shape = {3}, .name = "x"});
  KerasTensor z = LayerRef(std::make_shared<Sequential>(std::move(inner)))(x);
  KerasTensor out = layers::Dense(1, {.name = "head"})(z);
  Model outer({.inputs = {x}, .outputs = {out}, .name = "outer"});
  EXPECT_EQ(LayerNames(outer), (std::vector<std::string>{"x", "inner", "head"}));
  EXPECT_EQ(outer.get_layer("inner")->class_name(), "Sequential");
  EXPECT_EQ(outer.count_params(), (3 * 4 + 4) + (4 * 2 + 2) + (2 + 1));
  auto& nested = dynamic_cast<Model&>(*outer.get_layer("inner"));
  Tensor in = Tensor::FromVector<float>({1, -1, 0.5f, 2, 0, -3}, {2, 3});
  // Training the outer model moves the inner model's weights (they are the same buffers).
  const Tensor before = nested.predict(in);
  outer.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = "mse"});
  outer.fit(in, Tensor::FromVector<float>({1, -1}, {2, 1}), {.epochs = 2, .verbose = 0});
  EXPECT_GT(MaxAbsDiff(before, nested.predict(in)), 1e-4);

  // The feature extractor: a model from the outer input to the nested model's output.
  Model features({.inputs = {x}, .outputs = {outer.get_layer("inner")->output()}});
  EXPECT_EQ(MaxAbsDiff(features.predict(in), nested.predict(in)), 0.0);
  EXPECT_EQ(features.count_params(), (3 * 4 + 4) + (4 * 2 + 2));
}

TEST(FunctionalTraining, TwoInputsTwoOutputsWithLossWeightsAndMetricsPerOutput) {
  KerasTensor img = Input({.shape = {4}, .name = "img"});
  KerasTensor meta = Input({.shape = {2}, .name = "meta"});
  KerasTensor h = layers::Concatenate()({layers::Dense(5, {.activation = "relu"})(img), meta});
  KerasTensor cls = layers::Dense(3, {.activation = "softmax", .name = "cls"})(h);
  KerasTensor reg = layers::Dense(1, {.name = "reg"})(h);
  Model m({.inputs = {img, meta}, .outputs = {cls, reg}});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.05}),
             .loss = {{"cls", "categorical_crossentropy"}, {"reg", "mse"}},
             .loss_weights = {{"cls", 1.0}, {"reg", 0.25}},
             .metrics = {{"cls", {"accuracy"}}, {"reg", {"mae"}}}});
  EXPECT_EQ(m.metrics_names(),
            (std::vector<std::string>{"loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_mae"}));
  std::mt19937 rng(7);
  const int n = 64;
  Tensor xi = RandomTensor(kFloat32, {n, 4}, rng), xm = RandomTensor(kFloat32, {n, 2}, rng);
  Tensor yc(kFloat32, {n, 3}), yr(kFloat32, {n, 1});
  for (int i = 0; i < n; ++i) {
    const float* p = xi.data<float>() + i * 4;
    yc.data<float>()[i * 3 + (p[0] > 0) + (p[1] > 0)] = 1;
    yr.data<float>()[i] = p[2] - xm.data<float>()[i * 2];
  }
  // Keras's arithmetic: loss = 1 * cls_loss + 0.25 * reg_loss; reg_mae = mean |pred - y|.
  const std::vector<double> e = m.evaluate({xi, xm}, {yc, yr}, {.verbose = 0});
  ASSERT_EQ(e.size(), 5u);
  EXPECT_NEAR(e[0], e[1] + 0.25 * e[2], 1e-5);
  const std::vector<Tensor> pred = m.predict_all({{"meta", xm}, {"img", xi}});
  ASSERT_EQ(pred.size(), 2u);
  EXPECT_EQ(pred[0].shape(), (Shape{n, 3}));
  double mae = 0, mse = 0;
  for (int i = 0; i < n; ++i) {
    const double d = pred[1].data<float>()[i] - yr.data<float>()[i];
    mae += std::abs(d) / n;
    mse += d * d / n;
  }
  EXPECT_NEAR(e[4], mae, 1e-5);
  EXPECT_NEAR(e[2], mse, 1e-5);

  History h1 = m.fit({xi, xm}, {{"reg", yr}, {"cls", yc}},
                     {.batch_size = 16, .epochs = 30, .verbose = 0, .shuffle = false});
  for (const char* key : {"loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_mae"})
    ASSERT_EQ(h1.history[key].size(), 30u) << key;
  EXPECT_EQ(h1.history.size(), 5u);
  EXPECT_LT(h1.history["loss"].back(), 0.8 * h1.history["loss"].front());
  EXPECT_LT(h1.history["reg_loss"].back(), h1.history["reg_loss"].front());

  // The progress bar names every entry as Keras does.
  std::ostringstream out;
  m.fit({xi, xm}, {yc, yr}, {.batch_size = 64, .epochs = 1, .verbose = 2, .out = &out});
  for (const char* key : {"- loss:", "- cls_loss:", "- reg_loss:", "- cls_accuracy:", "- reg_mae:"})
    EXPECT_NE(out.str().find(key), std::string::npos) << out.str();
}

TEST(FunctionalTraining, OneLossForEveryOutputAndListForms) {
  KerasTensor x = Input({.shape = {2}, .name = "x"});
  Model m({.inputs = {x},
           .outputs = {layers::Dense(1, {.name = "p"})(x), layers::Dense(1, {.name = "q"})(x)}});
  m.compile({.loss = "mse", .loss_weights = {2.0, 3.0}, .metrics = {"mae"}});
  EXPECT_EQ(m.metrics_names(),
            (std::vector<std::string>{"loss", "p_loss", "q_loss", "p_mae", "q_mae"}));
  Tensor xs = Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2});
  Tensor t = Tensor::FromVector<float>({1, -1}, {2, 1});
  const std::vector<double> e = m.evaluate(xs, {t, t}, {.verbose = 0});
  EXPECT_NEAR(e[0], 2 * e[1] + 3 * e[2], 1e-5);
  ExpectError([&] { m.compile({.loss = {"mse"}}); }, {"2 output"});
  ExpectError([&] { m.compile({.loss = {{"p", "mse"}, {"r", "mse"}}}); }, {"r", "p", "q"});
}

// d/d(inputs, weights) of sum(model(a, b) * r) for a model with a shared Dense and a residual Add:
// the shared layer's kernel gets the sum of both calls' gradients. In float32 (layers compute in
// float32), hence the larger step and tolerance than the float64 op checks.
TEST(FunctionalGradients, SharedLayerAndResidualMatchFiniteDifferences) {
  KerasTensor a = Input({.shape = {3}, .name = "a"});
  KerasTensor b = Input({.shape = {3}, .name = "b"});
  LayerRef shared = layers::Dense(3, {.activation = "tanh", .name = "shared"});
  KerasTensor ha = shared(a);
  KerasTensor sum = layers::Add()({ha, a});               // residual around the shared layer
  KerasTensor hb = shared(layers::Multiply()({b, sum}));  // the shared layer again, downstream
  KerasTensor out = layers::Dense(2, {.activation = "tanh", .name = "head"})(hb);
  Model m({.inputs = {a, b}, .outputs = {out}});
  m.Build();

  Graph g;
  GraphBuilder gb(g);
  std::vector<ValueRef> params = {gb.Placeholder("a", kFloat32, {4, 3}),
                                  gb.Placeholder("b", kFloat32, {4, 3})};
  std::vector<ValueRef> weight_vars;
  for (const Tensor& w : m.get_weights())
    weight_vars.push_back(
        gb.Placeholder("w" + std::to_string(weight_vars.size()), kFloat32, w.shape()));
  ASSERT_EQ(weight_vars.size(), 4u);  // shared kernel and bias once, head kernel and bias
  std::vector<ValueRef> inputs = params;
  params.insert(params.end(), weight_vars.begin(), weight_vars.end());
  ValueRef y = m.Call(gb, inputs, {.weights = weight_vars})[0];
  std::mt19937 rng(11);
  ValueRef r = gb.Const(RandomTensor(kFloat32, {4, 2}, rng, 0.5, 1.5));
  ValueRef obj = gb.Op("ReduceSum", {gb.Op("Mul", {y, r})});
  std::vector<ValueRef> fetches = {obj};
  for (ValueRef gr : BuildBackward(gb, obj, params)) fetches.push_back(gr);
  Executor exec(g, fetches, {}, nullptr);

  std::vector<Tensor> values;
  for (ValueRef p : params) values.push_back(RandomTensor(kFloat64, g.type(p).shape, rng, -1, 1));
  auto feeds = [&](std::span<const Tensor> xs) {
    std::vector<Feed> f;
    for (size_t i = 0; i < xs.size(); ++i) f.push_back({params[i], xs[i].astype(kFloat32)});
    return f;
  };
  const std::vector<Tensor> run = exec.Run(feeds(values));
  const std::vector<Tensor> analytic(run.begin() + 1, run.end());
  ScalarFn f = [&](std::span<const Tensor> xs) { return exec.Run(feeds(xs))[0].item<double>(); };
  const GradientCheckResult res = CheckGradients(f, values, analytic, 1e-2);
  EXPECT_LT(res.max_rel_error, 2e-3) << res.worst;
  // Without the second call's contribution the shared kernel's gradient would differ clearly.
  EXPECT_GT(MaxAbsDiff(analytic[2], Tensor(kFloat32, {3, 3})), 0.1);
}

// The optimizer passes on a DAG: CSE, fusion and memory planning where values have several
// readers (the input feeds the shared layer and the residual; the shared layer's weights are read
// twice). Three SGD steps of the optimized training graph land where the lowered graph's do.
TEST(FunctionalPasses, OptimizedTrainingStepEqualsTheLoweredOne) {
  KerasTensor a = Input({.shape = {5}, .name = "a"});
  LayerRef shared = layers::Dense(5, {.activation = "relu", .name = "shared"});
  KerasTensor h1 = shared(a);
  KerasTensor h2 = shared(layers::Add()({h1, a}));
  KerasTensor out = layers::Dense(3, {.activation = "softmax"})(layers::Concatenate()({h1, h2}));
  Model m({.inputs = {a}, .outputs = {out}});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1, .momentum = 0.5}),
             .loss = "categorical_crossentropy"});
  const Model::GraphView view = m.training_view();
  EXPECT_LT(view.graph.num_nodes(), m.training_graph().num_nodes()) << m.training_pass_report();
  std::mt19937 rng(4);
  Tensor x = RandomTensor(kFloat32, {6, 5}, rng);
  Tensor y(kFloat32, {6, 3});
  for (int i = 0; i < 6; ++i) y.data<float>()[i * 3 + i % 3] = 1;
  auto train = [&](const Graph& g) {
    VariableStore vars;
    for (const auto& [k, v] : m.variables().items()) vars.Set(k, v.Clone());
    Executor e(g, view.outputs, view.targets, &vars);
    std::vector<Feed> feeds = {{view.inputs[0], x}, {view.inputs[1], y}};
    // The lowered step takes the sample weights too (the exported one fixes them at one).
    Tensor ones(kFloat32, {6});
    std::fill(ones.data<float>(), ones.data<float>() + 6, 1.f);
    for (int id : g.NodeIds())
      if (g.node(id).op == "Placeholder" && g.node(id).name.ends_with("_sample_weight"))
        feeds.push_back({{id, 0}, ones});
    float loss = 0;
    for (int step = 0; step < 3; ++step) loss = e.Run(feeds)[0].item<float>();
    return std::pair{loss, std::move(vars)};
  };
  auto [lowered_loss, lowered] = train(m.training_graph());
  auto [optimized_loss, optimized] = train(view.graph);
  EXPECT_NEAR(lowered_loss, optimized_loss, 1e-6);
  for (const auto& [k, v] : lowered.items()) EXPECT_LE(MaxAbsDiff(v, optimized.Get(k)), 1e-6) << k;
  EXPECT_GT(MaxAbsDiff(lowered.Get("shared/kernel"), m.variables().Get("shared/kernel")), 1e-4);
}

TEST(FunctionalBadInput, ClearErrorsNamingTheLayerAndShapes) {
  KerasTensor a = Input({.shape = {3}, .name = "a"});
  KerasTensor b = Input({.shape = {4}, .name = "b"});
  ExpectError([&] { layers::Add({.name = "lonely"})(a); },
              {"Add 'lonely'", "A merge layer should be called on a list", "(None, 3)"});
  ExpectError([&] { layers::Add({.name = "one"})(std::vector<KerasTensor>{a}); },
              {"Add 'one'", "at least 2 inputs"});
  ExpectError(
      [&] {
        layers::Add({.name = "mismatch"})({a, b});
      },
      {"Add 'mismatch'", "(None, 3)", "(None, 4)"});
  KerasTensor c = Input({.shape = {2, 3}, .name = "c"});
  ExpectError(
      [&] {
        layers::Concatenate({.axis = 1, .name = "cat"})({c, a});
      },
      {"Concatenate 'cat'", "(None, 2, 3)", "(None, 3)"});
  ExpectError([&] { layers::Dense(2, {.name = "d"})(KerasTensor()); }, {"Dense 'd'"});

  // An output that needs an input the model is not given.
  KerasTensor s = layers::Concatenate({.name = "joined"})({a, b});
  ExpectError([&] { Model({.inputs = {a}, .outputs = {s}}); },
              {"Graph disconnected", "tensor b", "at layer \"joined\""});
  ExpectError([&] { Model({.inputs = {a, a}, .outputs = {s}}); }, {"passed twice"});
  ExpectError([&] { Model({.inputs = {s}, .outputs = {s}}); }, {"Input tensors", "joined"});

  Model one({.inputs = {a}, .outputs = {layers::Dense(1)(a)}, .name = "one_input"});
  const Tensor x3(kFloat32, {5, 3}), x4(kFloat32, {5, 4}), x4_short(kFloat32, {2, 4});
  ExpectError([&] { one.predict({x3, x3}); }, {"one_input", "expects 1 input", "received 2"});
  ExpectError([&] { one.predict(x4); }, {"expected a to have shape (3,)", "(4,)"});
  Model two({.inputs = {a, b}, .outputs = {s}, .name = "two_inputs"});
  ExpectError([&] { two.predict({x3, x4_short}); }, {"Data cardinality is ambiguous", "5, 2"});
  ExpectError([&] { two.predict({{"a", x3}}); }, {"Missing data for input \"b\""});
  ExpectError([&] { two.predict({{"a", x3}, {"b", x4}, {"z", x4}}); }, {"z"});
  two.compile({.loss = "mse"});
  const Tensor y(kFloat32, {5, 7});
  ExpectError([&] { two.fit({x3, x4}, {y, y}, {.verbose = 0}); }, {"1 output"});
  ExpectError(
      [&] {
        two.fit({x3, x4}, Tensor(kFloat32, {5, 6}), {.verbose = 0});
      },
      {"joined", "(7,)", "(6,)"});
}

TEST(FunctionalSummary, ConnectedToColumn) {
  KerasTensor a = Input({.shape = {3}, .name = "a"});
  KerasTensor b = Input({.shape = {3}, .name = "b"});
  LayerRef shared = layers::Dense(2, {.name = "shared"});
  Model m({.inputs = {a, b},
           .outputs = {layers::Add({.name = "sum"})({shared(a), shared(b)})},
           .name = "siamese"});
  std::ostringstream out;
  m.summary(out);
  const std::string s = out.str();
  for (const char* frag :
       {"Model: \"siamese\"", "Connected to", "a (InputLayer)",
        "a (InputLayer)                  (None, 3)", "shared (Dense)                  multiple",
        "a[0][0]", "b[0][0]", "sum (Add)", "shared[0][0]", "shared[1][0]", "Total params: 8"})
    EXPECT_NE(s.find(frag), std::string::npos) << frag << "\n" << s;
}

}  // namespace
}  // namespace kiln::keras

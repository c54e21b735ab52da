// The merge layers lowered on placeholders and run through the executor: numbers against hand
// computations, Keras's shape rules and errors, configs both ways, and gradients against finite
// differences.
#include <gtest/gtest.h>

#include <random>

#include "autodiff/backward.h"
#include "autodiff/gradient_check.h"
#include "keras/keras.h"
#include "keras/layers/layer_registry.h"
#include "tests/keras/layers/layer_gradient.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using layers::MergeOptions;
using testing::ErrorOf;

// The shape a placeholder gets for a fed value: the batch dimension unknown, as in a model.
Shape Batched(const Shape& s) {
  std::vector<int64_t> d = s.dims();
  d[0] = kUnknownDim;
  return Shape(d);
}

// The layer on placeholders of the inputs' shapes (batch unknown), run once.
Tensor RunLayer(Layer& layer, const std::vector<Tensor>& xs) {
  Graph g;
  GraphBuilder b(g);
  std::vector<ValueRef> in;
  std::vector<Shape> shapes;
  for (size_t i = 0; i < xs.size(); ++i) {
    in.push_back(b.Placeholder("x" + std::to_string(i), xs[i].dtype(), Batched(xs[i].shape())));
    shapes.push_back(Batched(xs[i].shape()));
  }
  std::vector<ValueRef> out = layer.Call(b, in, {});
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(g.type(out[0]).shape, layer.ComputeOutputShapes(shapes)[0]);
  Executor exec(g, out, {}, nullptr);
  std::vector<Feed> feeds;
  for (size_t i = 0; i < xs.size(); ++i) feeds.push_back({in[i], xs[i]});
  return exec.Run(feeds)[0];
}

Tensor F(std::vector<float> v, Shape s) { return Tensor::FromVector<float>(v, s); }
std::vector<float> Values(const Tensor& t) { return t.ToVector<float>(); }

TEST(Add, SumsThreeInputs) {
  layers::Add add;
  Tensor y = RunLayer(
      add, {F({1, 2, 3, 4}, {2, 2}), F({10, 20, 30, 40}, {2, 2}), F({100, 200, 300, 400}, {2, 2})});
  EXPECT_EQ(y.shape(), (Shape{2, 2}));
  EXPECT_EQ(Values(y), (std::vector<float>{111, 222, 333, 444}));
}

TEST(Add, BroadcastsSizeOneAndExpandsLowerRanksAfterTheBatch) {
  layers::Add add;
  // (3, 2, 1) + (3, 2): Keras makes the second (3, 1, 2), so out[b][i][j] = x[b][i] + y[b][j].
  // numpy broadcasting of the raw shapes would align the batch of y with dimension 1 of x and fail.
  Tensor x = F({1, 2, 3, 4, 5, 6}, {3, 2, 1}), y = F({10, 20, 30, 40, 50, 60}, {3, 2});
  EXPECT_EQ(add.ComputeOutputShapes(std::vector<Shape>{{kUnknownDim, 2, 1}, {kUnknownDim, 2}})[0],
            (Shape{kUnknownDim, 2, 2}));
  Tensor out = RunLayer(add, {x, y});
  EXPECT_EQ(out.shape(), (Shape{3, 2, 2}));
  EXPECT_EQ(Values(out), (std::vector<float>{11, 21, 12, 22, 33, 43, 34, 44, 55, 65, 56, 66}));
}

TEST(Subtract, FirstMinusSecond) {
  layers::Subtract sub;
  EXPECT_EQ(Values(RunLayer(sub, {F({5, 7, 9}, {1, 3}), F({1, 2, 4}, {1, 3})})),
            (std::vector<float>{4, 5, 5}));
}

TEST(Multiply, BroadcastsAColumn) {
  layers::Multiply mul;
  // (2, 3) * (2, 1): each row scaled by its own factor.
  Tensor out = RunLayer(mul, {F({1, 2, 3, 4, 5, 6}, {2, 3}), F({2, -1}, {2, 1})});
  EXPECT_EQ(out.shape(), (Shape{2, 3}));
  EXPECT_EQ(Values(out), (std::vector<float>{2, 4, 6, -4, -5, -6}));
}

TEST(Average, DividesTheSumByTheNumberOfInputs) {
  layers::Average avg;
  Tensor out = RunLayer(avg, {F({1, 2}, {1, 2}), F({2, 4}, {1, 2}), F({6, 0}, {1, 2})});
  EXPECT_EQ(Values(out), (std::vector<float>{3, 2}));
}

TEST(MaximumMinimum, Elementwise) {
  layers::Maximum mx;
  layers::Minimum mn;
  std::vector<Tensor> xs = {F({1, 5, -3}, {1, 3}), F({4, 2, -1}, {1, 3}), F({0, 0, -7}, {1, 3})};
  EXPECT_EQ(Values(RunLayer(mx, xs)), (std::vector<float>{4, 5, -1}));
  EXPECT_EQ(Values(RunLayer(mn, xs)), (std::vector<float>{0, 0, -7}));
}

TEST(Concatenate, AxisOneAndLastOfRank3) {
  Tensor x = F({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {2, 2, 3});
  layers::Concatenate on1({.axis = 1});
  Tensor a = RunLayer(on1, {x, F({-1, -2, -3, -4, -5, -6}, {2, 1, 3})});
  EXPECT_EQ(a.shape(), (Shape{2, 3, 3}));
  EXPECT_EQ(Values(a), (std::vector<float>{1, 2, 3, 4, 5, 6, -1, -2, -3,  //
                                           7, 8, 9, 10, 11, 12, -4, -5, -6}));
  layers::Concatenate last;
  Tensor b = RunLayer(last, {x, F({-1, -2, -3, -4}, {2, 2, 1})});
  EXPECT_EQ(b.shape(), (Shape{2, 2, 4}));
  EXPECT_EQ(Values(b), (std::vector<float>{1, 2, 3, -1, 4, 5, 6, -2, 7, 8, 9, -3, 10, 11, 12, -4}));
  EXPECT_EQ(last.ComputeOutputShapes(std::vector<Shape>{{kUnknownDim, 2, kUnknownDim},
                                                        {kUnknownDim, kUnknownDim, 3}})[0],
            (Shape{kUnknownDim, 2, kUnknownDim}));
}

TEST(Dot, RowsOfRank2GiveABatchOfScalars) {
  layers::Dot dot(1);
  Tensor out = RunLayer(dot, {F({1, 2, 3, 4, 5, 6}, {2, 3}), F({1, 0, -1, 2, 2, 2}, {2, 3})});
  EXPECT_EQ(out.shape(), (Shape{2, 1}));
  EXPECT_EQ(Values(out), (std::vector<float>{-2, 30}));
  layers::Dot last(-1);
  EXPECT_EQ(Values(RunLayer(last, {F({1, 2}, {1, 2}), F({3, 4}, {1, 2})})),
            (std::vector<float>{11}));
}

TEST(Dot, NormalizeGivesTheCosine) {
  layers::Dot cosine(1, {.normalize = true});
  // [3, 4] and [4, 3]: 24 / 25; [1, 0] and [0, 2]: 0; [2, 0] and [-5, 0]: -1.
  Tensor out = RunLayer(cosine, {F({3, 4, 1, 0, 2, 0}, {3, 2}), F({4, 3, 0, 2, -5, 0}, {3, 2})});
  std::vector<float> v = Values(out);
  EXPECT_NEAR(v[0], 0.96f, 1e-6);
  EXPECT_NEAR(v[1], 0.f, 1e-6);
  EXPECT_NEAR(v[2], -1.f, 1e-6);
}

TEST(Dot, BatchMatrixProductOfRank3) {
  // x[0] = [[1, 2, 3], [4, 5, 6]], y[0] = [[1, 0], [0, 1], [1, 1]]: [[4, 5], [10, 11]];
  // x[1] = [[1, 0, 0], [0, 0, 2]], y[1] = [[1, 2], [3, 4], [5, 6]]: [[1, 2], [10, 12]].
  Tensor x = F({1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 0, 2}, {2, 2, 3});
  Tensor y = F({1, 0, 0, 1, 1, 1, 1, 2, 3, 4, 5, 6}, {2, 3, 2});
  layers::Dot bmm({2, 1});
  Tensor out = RunLayer(bmm, {x, y});
  EXPECT_EQ(out.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(Values(out), (std::vector<float>{4, 5, 10, 11, 1, 2, 10, 12}));
  // Contracting x's axis 1 with y's axis 2: out[b][k][i] = sum_j x[b][j][k] * y[b][i][j], here
  // with y (2, 2, 2) so that the output is (2, 3, 2).
  layers::Dot other({1, 2});
  Tensor y2 = F({1, 2, 3, 4, 0, 1, 1, 0}, {2, 2, 2});
  Tensor o2 = RunLayer(other, {x, y2});
  EXPECT_EQ(o2.shape(), (Shape{2, 3, 2}));
  // b=0: x^T = [[1,4],[2,5],[3,6]], y^T = [[1,3],[2,4]]: x^T y^T = [[9,19],[12,26],[15,33]].
  // b=1: x^T = [[1,0],[0,0],[0,2]], y^T = [[0,1],[1,0]]: [[0,1],[0,0],[2,0]].
  EXPECT_EQ(Values(o2), (std::vector<float>{9, 19, 12, 26, 15, 33, 0, 1, 0, 0, 2, 0}));
  // A rank-2 input against a rank-3 one: (2, 3) . (2, 3, 2) over axes (1, 1) gives (2, 2).
  layers::Dot mixed({1, 1});
  Tensor o3 = RunLayer(mixed, {F({1, 1, 1, 0, 1, 0}, {2, 3}), y});
  EXPECT_EQ(o3.shape(), (Shape{2, 2}));
  EXPECT_EQ(Values(o3), (std::vector<float>{2, 2, 3, 4}));
}

// The message of the error f throws, checked to be of type E.
template <typename E>
std::string ErrorOfType(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong error type: ") + e.what();
  }
  return "no error";
}

TEST(MergeErrors, OneTensorIsNotAList) {
  layers::Add add({.name = "sum"});
  const Shape s{kUnknownDim, 3};
  EXPECT_EQ(ErrorOfType<ValueError>([&] { add.ComputeOutputShape(s); }),
            "Add 'sum': A merge layer should be called on a list of inputs. Received: "
            "input_shape=(None, 3) (not a list of shapes)");
  EXPECT_EQ(ErrorOfType<ValueError>([&] { add.ComputeOutputShapes(std::vector<Shape>{s}); }),
            "Add 'sum': A merge layer should be called on a list of at least 2 inputs. Got 1 "
            "inputs. Full input_shape received: [(None, 3)]");
  Graph g;
  GraphBuilder b(g);
  ValueRef x = b.Placeholder("x", kFloat32, s);
  EXPECT_NE(ErrorOfType<ValueError>([&] {
              add.Call(b, x, {});
            }).find("Add 'sum': A merge layer should be called on a list of at least 2 inputs"),
            std::string::npos);
  layers::Concatenate concat({.name = "cat"});
  EXPECT_NE(ErrorOfType<ValueError>([&] {
              concat.ComputeOutputShape(s);
            }).find("Concatenate 'cat': A merge layer should be called on a list of inputs"),
            std::string::npos);
}

TEST(MergeErrors, IncompatibleShapesNameTheLayerAndTheShapes) {
  layers::Multiply mul({.name = "gate"});
  EXPECT_EQ(ErrorOfType<ShapeError>([&] {
              mul.ComputeOutputShapes(std::vector<Shape>{{kUnknownDim, 3}, {kUnknownDim, 4}});
            }),
            "Multiply 'gate': Inputs have incompatible shapes. Received shapes (None, 3) and "
            "(None, 4)");
  EXPECT_NE(ErrorOfType<ShapeError>([&] {
              mul.ComputeOutputShapes(std::vector<Shape>{{2, 3}, {5, 3}});
            })
                .find("Cannot merge tensors with different batch sizes. Received tensors with "
                      "shapes [(2, 3), (5, 3)]"),
            std::string::npos);
  // Through Call too, so a graph is never built from inputs Keras would refuse.
  Graph g;
  GraphBuilder b(g);
  std::vector<ValueRef> in = {b.Placeholder("a", kFloat32, {kUnknownDim, 2, 3}),
                              b.Placeholder("c", kFloat32, {kUnknownDim, 5, 3})};
  EXPECT_EQ(ErrorOfType<ShapeError>([&] { mul.Call(b, in, {}); }),
            "Multiply 'gate': Inputs have incompatible shapes. Received shapes (None, 2, 3) and "
            "(None, 5, 3)");
}

TEST(MergeErrors, SubtractTakesExactlyTwo) {
  layers::Subtract sub({.name = "diff"});
  const Shape s{kUnknownDim, 3};
  EXPECT_EQ(ErrorOfType<ValueError>([&] {
              sub.ComputeOutputShapes(std::vector<Shape>{s, s, s});
            }),
            "Subtract 'diff': A `Subtract` layer should be called on exactly 2 inputs. Received: "
            "input_shape=[(None, 3), (None, 3), (None, 3)]");
  EXPECT_EQ(sub.ComputeOutputShapes(std::vector<Shape>{s, s})[0], s);
}

TEST(MergeErrors, ConcatenateNeedsMatchingShapesOffTheAxis) {
  layers::Concatenate concat({.axis = 1, .name = "cat"});
  EXPECT_EQ(
      ErrorOfType<ShapeError>([&] {
        concat.ComputeOutputShapes(std::vector<Shape>{{kUnknownDim, 2, 3}, {kUnknownDim, 4, 5}});
      }),
      "Concatenate 'cat': A `Concatenate` layer requires inputs with matching shapes except "
      "for the concatenation axis. Received: input_shape=[(None, 2, 3), (None, 4, 5)]");
  EXPECT_NE(ErrorOfType<ShapeError>([&] {
              concat.ComputeOutputShapes(std::vector<Shape>{{kUnknownDim, 2, 3}, {kUnknownDim, 2}});
            }).find("requires inputs with matching shapes"),
            std::string::npos);
  layers::Concatenate far({.axis = 3, .name = "far"});
  EXPECT_NE(ErrorOfType<ShapeError>([&] {
              far.ComputeOutputShapes(std::vector<Shape>{{kUnknownDim, 2}, {kUnknownDim, 2}});
            }).find("Concatenate 'far': axis 3 is out of range for inputs of rank 2"),
            std::string::npos);
}

TEST(MergeErrors, DotChecksItsAxes) {
  layers::Dot dot(1, {.name = "sim"});
  const Shape a{kUnknownDim, 3}, b{kUnknownDim, 4};
  EXPECT_EQ(ErrorOfType<ShapeError>([&] {
              dot.ComputeOutputShapes(std::vector<Shape>{a, b});
            }),
            "Dot 'sim': Incompatible input shapes: axis values 3 (at axis 1) != 4 (at axis 1). "
            "Full input shapes: (None, 3), (None, 4)");
  EXPECT_NE(ErrorOfType<ValueError>([&] {
              dot.ComputeOutputShapes(std::vector<Shape>{a, a, a});
            }).find("Dot 'sim': A `Dot` layer should be called on a list of 2 inputs"),
            std::string::npos);
  layers::Dot batch(0, {.name = "over_batch"});
  EXPECT_NE(ErrorOfType<ShapeError>([&] {
              batch.ComputeOutputShapes(std::vector<Shape>{a, a});
            }).find("Cannot perform batch_dot over axis 0"),
            std::string::npos);
  EXPECT_NE(ErrorOfType<ShapeError>([&] {
              dot.ComputeOutputShapes(std::vector<Shape>{{kUnknownDim}, a});
            }).find("rank < 2"),
            std::string::npos);
}

// The factory registered for the layer's class, on `config`.
std::shared_ptr<Layer> FromConfig(const std::string& cls, const nlohmann::json& config,
                                  std::vector<std::string>& unsupported) {
  const LayerFactory* f = FindLayerFactory(cls);
  if (!f) throw NotFoundError("no factory for " + cls);
  return (*f)(config, unsupported);
}

TEST(MergeConfigs, RoundTripInTfKerasForm) {
  std::vector<LayerRef> all = {layers::Add({.name = "a"}),
                               layers::Subtract({.name = "s"}),
                               layers::Multiply({.name = "m"}),
                               layers::Average({.name = "av"}),
                               layers::Maximum({.name = "mx"}),
                               layers::Minimum({.name = "mn"}),
                               layers::Concatenate({.axis = 1, .name = "c"}),
                               layers::Dot(-1, {.name = "d1"}),
                               layers::Dot({2, 1}, {.normalize = true, .name = "d2"})};
  for (const LayerRef& l : all) {
    SCOPED_TRACE(l->class_name());
    const nlohmann::json c = l->get_config();
    std::vector<std::string> unsupported;
    std::shared_ptr<Layer> again = FromConfig(l->class_name(), c, unsupported);
    EXPECT_TRUE(unsupported.empty()) << unsupported[0];
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->class_name(), l->class_name());
    EXPECT_EQ(again->get_config(), c);
  }
  EXPECT_EQ(all[6]->get_config()["axis"], 1);
  EXPECT_EQ(all[7]->get_config()["axes"], -1);
  EXPECT_EQ(all[8]->get_config()["axes"], nlohmann::json::array({2, 1}));
  EXPECT_EQ(all[8]->get_config()["normalize"], true);
  EXPECT_EQ(all[0]->get_config(),
            (nlohmann::json{{"name", "a"}, {"trainable", true}, {"dtype", "float32"}}));
}

TEST(MergeConfigs, ReadKeras3AndRefuseWhatKilnLacks) {
  const nlohmann::json policy = {{"module", "keras"},
                                 {"class_name", "DTypePolicy"},
                                 {"config", {{"name", "float32"}}},
                                 {"registered_name", nullptr}};
  std::vector<std::string> unsupported;
  auto c = FromConfig(
      "Concatenate", {{"name", "concatenate"}, {"trainable", true}, {"dtype", policy}, {"axis", 1}},
      unsupported);
  auto d = FromConfig("Dot",
                      {{"name", "dot"},
                       {"trainable", true},
                       {"dtype", policy},
                       {"axes", {1, 2}},
                       {"normalize", false}},
                      unsupported);
  auto add =
      FromConfig("Add", {{"name", "add"}, {"trainable", true}, {"dtype", policy}}, unsupported);
  EXPECT_TRUE(unsupported.empty());
  EXPECT_EQ(c->get_config()["axis"], 1);
  EXPECT_EQ(c->name(), "concatenate");
  EXPECT_EQ(d->get_config()["axes"], nlohmann::json::array({1, 2}));
  EXPECT_EQ(add->name(), "add");

  FromConfig("Dot", {{"name", "bad"}, {"axes", {{1, 2}}}, {"normalize", "yes"}}, unsupported);
  FromConfig("Concatenate", {{"name", "badcat"}, {"axis", "last"}}, unsupported);
  FromConfig("Maximum", {{"name", "half"}, {"dtype", "float16"}}, unsupported);
  ASSERT_EQ(unsupported.size(), 4u);
  EXPECT_NE(unsupported[0].find("Dot 'bad': normalize \"yes\""), std::string::npos)
      << unsupported[0];
  EXPECT_NE(unsupported[1].find("Dot 'bad': axes [[1,2]]"), std::string::npos) << unsupported[1];
  EXPECT_NE(unsupported[2].find("Concatenate 'badcat': axis \"last\""), std::string::npos);
  EXPECT_NE(unsupported[3].find("Maximum 'half'"), std::string::npos) << unsupported[3];
}

TEST(MergeGradients, MatchFiniteDifferences) {
  layers::Add add;
  ExpectGradientsMatch(add, {{3, 2, 1}, {3, 2}, {3, 1, 2}}, 1);
  layers::Subtract sub;
  ExpectGradientsMatch(sub, {{2, 3}, {2, 1}}, 2);
  layers::Multiply mul;
  ExpectGradientsMatch(mul, {{2, 3}, {2, 3}, {2, 1}}, 3);
  layers::Average avg;
  ExpectGradientsMatch(avg, {{2, 4}, {2, 4}, {2, 4}}, 4);
  layers::Maximum mx;
  ExpectGradientsMatch(mx, {{2, 3}, {2, 3}, {2, 3}}, 5);
  layers::Minimum mn;
  ExpectGradientsMatch(mn, {{2, 3}, {2, 3}}, 6);
  layers::Concatenate on1({.axis = 1});
  ExpectGradientsMatch(on1, {{2, 2, 3}, {2, 1, 3}, {2, 3, 3}}, 7);
  layers::Concatenate last;
  ExpectGradientsMatch(last, {{2, 2, 3}, {2, 2, 1}}, 8);
  layers::Dot dot(1);
  ExpectGradientsMatch(dot, {{3, 4}, {3, 4}}, 9);
  layers::Dot cosine(-1, {.normalize = true});
  ExpectGradientsMatch(cosine, {{3, 4}, {3, 4}}, 10);
  layers::Dot bmm({2, 1});
  ExpectGradientsMatch(bmm, {{2, 2, 3}, {2, 3, 4}}, 11);
  layers::Dot other({1, 2}, {.normalize = true});
  ExpectGradientsMatch(other, {{2, 3, 2}, {2, 4, 3}}, 12);
}

}  // namespace
}  // namespace kiln::keras

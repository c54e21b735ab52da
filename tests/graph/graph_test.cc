#include <gtest/gtest.h>

#include "graph/graph_builder.h"
#include "graph/op_def.h"
#include "graph/topo_sort.h"
#include "graph/verifier.h"

namespace kiln {
namespace {

TEST(Tensor, AlignedZeroedAndTyped) {
  Tensor t(kFloat32, {3, 5});
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw()) % 64, 0u);
  for (float v : t.values<float>()) EXPECT_EQ(v, 0.f);
  EXPECT_THROW(t.data<double>(), TypeError);
  EXPECT_THROW(Tensor(kFloat32, {kUnknownDim, 2}), ShapeError);
  EXPECT_THROW(Tensor::FromVector<float>({1, 2, 3}, {2, 2}), ShapeError);
}

TEST(Tensor, SliceAndReshapeAreViews) {
  Tensor x = Tensor::FromVector<int32_t>({0, 1, 2, 3, 4, 5}, {3, 2});
  Tensor s = x.Slice(1, 3);
  EXPECT_EQ(s.shape(), (Shape{2, 2}));
  EXPECT_EQ(s.ToVector<int32_t>(), (std::vector<int32_t>{2, 3, 4, 5}));
  EXPECT_TRUE(s.SharesStorageWith(x));
  s.data<int32_t>()[0] = 42;
  EXPECT_EQ(x.data<int32_t>()[2], 42);
  EXPECT_EQ(x.Reshaped({6}).shape(), Shape{6});
  EXPECT_THROW(x.Reshaped({4}), ShapeError);
  EXPECT_THROW(x.Slice(2, 4), ShapeError);
  Tensor c = x.Clone();
  EXPECT_FALSE(c.SharesStorageWith(x));
  EXPECT_TRUE(c.BitwiseEquals(x));
}

TEST(Tensor, AsTypeAndScale) {
  Tensor u = Tensor::FromVector<uint8_t>({0, 51, 255}, {3});
  Tensor f = u.astype(kFloat32) / 255.0;
  EXPECT_FLOAT_EQ(f.data<float>()[1], 0.2f);
  EXPECT_FLOAT_EQ(f.data<float>()[2], 1.f);
  EXPECT_THROW(u / 2.0, TypeError);
  EXPECT_EQ(Tensor::Scalar<double>(2.5).item<int>(), 2);
}

TEST(Shape, UnknownBatchDimension) {
  Shape s{kUnknownDim, 784};
  EXPECT_EQ(s.ToString(), "[?,784]");
  EXPECT_FALSE(s.IsFullyDefined());
  EXPECT_TRUE(s.IsCompatibleWith(Shape{32, 784}));
  EXPECT_FALSE(s.IsCompatibleWith(Shape{32, 783}));
  EXPECT_FALSE(s.IsCompatibleWith(Shape{784}));
  EXPECT_EQ(Shape{}.NumElements(), 1);
}

TEST(Shape, CheckedNumElementsRefusesOverflowAndNegatives) {
  const int64_t big = int64_t{1} << 40;
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{}), 1);
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{3, 4, 5}), 60);
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{0, 7}), 0);
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{big, 1 << 22}), big << 22);  // 2^62 fits
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{INT64_MAX}), INT64_MAX);
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{big, big}), std::nullopt);
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{INT64_MAX, 2}), std::nullopt);
  // The product is 0, but the other dimensions' strides would overflow.
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{0, big, big}), std::nullopt);
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{big, big, 0}), std::nullopt);
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{2, kUnknownDim}), std::nullopt);
  EXPECT_EQ(CheckedNumElements(std::vector<int64_t>{INT64_MIN, -1}), std::nullopt);
  // Shape::NumElements and Tensor use it, so no caller multiplies past int64.
  EXPECT_THROW(Shape({big, big}).NumElements(), ShapeError);
  EXPECT_THROW(Tensor(kFloat32, {big, big, 0}), ShapeError);
  EXPECT_THROW(Tensor(kFloat32, {big, big}), ShapeError);
}

TEST(GraphBuilder, UniqueNamesAndScopes) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {2});
  auto a = b.Op("Neg", {x});
  auto c = b.Op("Neg", {x});
  EXPECT_EQ(g.node(a.node).name, "Neg");
  EXPECT_EQ(g.node(c.node).name, "Neg_1");
  {
    auto scope = b.Scope("dense");
    EXPECT_EQ(g.node(b.Op("Exp", {x}).node).name, "dense/Exp");
  }
  EXPECT_EQ(g.node(b.Op("Exp", {x}).node).name, "Exp");
  EXPECT_THROW(b.Op("NoSuchOp", {x}), NotFoundError);
  EXPECT_THROW(b.Op("Neg", {ValueRef{99, 0}}), ValueError);
}

TEST(GraphBuilder, ShapeErrorNamesOpAndShapes) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {kUnknownDim, 128});
  auto w = b.Variable("w", kFloat32, {256, 10});
  try {
    b.Op("MatMul", {x, w}, {}, "dense_2/MatMul");
    FAIL();
  } catch (const ShapeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("MatMul (node 'dense_2/MatMul')"), std::string::npos) << m;
    EXPECT_NE(m.find("128 vs 256"), std::string::npos) << m;
    EXPECT_NE(m.find("float32[?,128], float32[256,10]"), std::string::npos) << m;
  }
}

TEST(Verifier, RejectsIllFormedGraphsNamingTheNode) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {2, 3});
  auto y = b.Op("Exp", {x}, {}, "exp");
  VerifyGraph(g);
  Graph bad = g;
  bad.node(y.node).inputs[0] = {x.node, 3};
  EXPECT_THROW(
      {
        try {
          VerifyGraph(bad);
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("node 'exp'"), std::string::npos);
          throw;
        }
      },
      Error);
  Graph wrong_type = g;
  wrong_type.node(y.node).outputs[0].shape = Shape{3, 2};
  EXPECT_THROW(VerifyGraph(wrong_type), ShapeError);
  Graph unknown = g;
  unknown.node(y.node).op = "Frobnicate";
  EXPECT_THROW(VerifyGraph(unknown), NotFoundError);
  Graph cycle = g;
  auto z = GraphBuilder(cycle).Op("Neg", {y});
  cycle.node(y.node).inputs[0] = z;
  EXPECT_THROW(VerifyGraph(cycle), Error);
}

TEST(OpDef, TypeVariablesAreCheckedInOnePlace) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {2, 3});
  auto w = b.Placeholder("w", kFloat64, {3, 4});
  try {
    b.Op("MatMul", {x, w}, {}, "mm");
    FAIL() << "float32 x float64 accepted";
  } catch (const TypeError& e) {
    EXPECT_NE(std::string(e.what()).find("inputs 'a' and 'b' must share a dtype, got float32 and "
                                         "float64"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(OpRegistry::Global().Get("ApplyAdam").writes_input(2));   // the v slot
  EXPECT_FALSE(OpRegistry::Global().Get("ApplyAdam").writes_input(3));  // the step count, read
  EXPECT_TRUE(OpRegistry::Global().Get("AssignAdd").writes_input(0));   // which this advances
  EXPECT_FALSE(OpRegistry::Global().Get("ApplyAdam").writes_input(5));  // the gradient
  EXPECT_FALSE(OpRegistry::Global().Get("MatMul").writes_inputs());
}

TEST(Verifier, WrittenInputsMustBeVariables) {
  Graph g;
  GraphBuilder b(g);
  auto v = b.Variable("v", kFloat32, {3});
  auto grad = b.Placeholder("g", kFloat32, {3});
  auto lr = b.Scalar(0.1, kFloat32);
  b.OpN("ApplyGradientDescent", {v, lr, grad});
  VerifyGraph(g);
  Graph bad = g;
  GraphBuilder bb(bad);
  auto tmp = bb.Op("Neg", {grad});
  bb.OpN("ApplyGradientDescent", {tmp, lr, grad}, {}, "bad_update");
  try {
    VerifyGraph(bad);
    FAIL() << "an update writing a computed value was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("node 'bad_update' (ApplyGradientDescent): input 'var' "
                                         "is written in place, so it must be a Variable"),
              std::string::npos)
        << e.what();
  }
}

TEST(TopologicalOrder, DependenciesFirstAndUpdatesLast) {
  Graph g;
  GraphBuilder b(g);
  auto w = b.Variable("w", kFloat32, {2});
  auto lr = b.Scalar(0.1);
  auto grad = b.Op("Neg", {w});
  auto update = b.OpN("ApplyGradientDescent", {w, lr, grad});
  (void)update;
  int update_id = g.capacity() - 1;
  // A reader of w created after the update must still run before it.
  auto late_read = b.Op("Exp", {w});
  std::vector<int> targets = {update_id, late_read.node};
  auto order = TopologicalOrder(g, targets);
  auto pos = [&](int id) { return std::find(order.begin(), order.end(), id) - order.begin(); };
  EXPECT_LT(pos(grad.node), pos(update_id));
  EXPECT_LT(pos(late_read.node), pos(update_id));
  EXPECT_EQ(order.size(), 5u);
  // Only what the targets need.
  std::vector<int> just_grad = {grad.node};
  EXPECT_EQ(TopologicalOrder(g, just_grad).size(), 2u);
}

}  // namespace
}  // namespace kiln

#include "kernels/executor.h"

#include <gtest/gtest.h>

#include "graph/graph_builder.h"
#include "graph/logging.h"
#include "tests/testing/testing.h"

namespace kiln {
namespace {

using ::kiln::testing::ErrorOf;

struct Fixture {
  Graph g;
  VariableStore vars;
  ValueRef x, w, y;
  Fixture() {
    GraphBuilder b(g);
    x = b.Placeholder("x", kFloat32, {kUnknownDim, 2});
    w = b.Variable("w", kFloat32, {2, 1});
    y = b.Op("MatMul", {x, w});
    vars.Set("w", Tensor::FromVector<float>({2.f, 3.f}, {2, 1}));
  }
};

TEST(Executor, RunsManyTimesWithNewFeedsAndBatchSizes) {
  Fixture f;
  Executor exec(f.g, {f.y}, {}, &f.vars);
  auto out = exec.Run({{f.x, Tensor::FromVector<float>({1, 1, 2, 0}, {2, 2})}});
  EXPECT_EQ(out[0].ToVector<float>(), (std::vector<float>{5, 4}));
  out = exec.Run({{f.x, Tensor::FromVector<float>({1, 1, 2, 0}, {2, 2})}});
  EXPECT_EQ(exec.num_plans(), 1);
  out = exec.Run({{f.x, Tensor::FromVector<float>({0, 1, 1, 0, 1, 1}, {3, 2})}});
  EXPECT_EQ(out[0].ToVector<float>(), (std::vector<float>{3, 2, 5}));
  EXPECT_EQ(exec.num_plans(), 2);
  // Variables are read at run time: an update to the store is seen without replanning.
  f.vars.Get("w").data<float>()[0] = 10.f;
  out = exec.Run({{f.x, Tensor::FromVector<float>({1, 0}, {1, 2})}});
  EXPECT_EQ(out[0].item<float>(), 10.f);
}

TEST(Executor, WrongFeedsNameThePlaceholder) {
  Fixture f;
  Executor exec(f.g, {f.y}, {}, &f.vars);
  EXPECT_NE(ErrorOf([&] { exec.Run({}); }).find("Placeholder 'x' was not fed"), std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              exec.Run({{f.x, Tensor(kFloat32, {2, 3})}});
            }).find("Placeholder 'x' expects shape [?,2], fed [2,3]"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              exec.Run({{f.x, Tensor(kFloat64, {2, 2})}});
            }).find("Placeholder 'x' expects float32[?,2], fed float64[2,2]"),
            std::string::npos);
  EXPECT_THROW(exec.Run({{f.x, Tensor(kFloat32, {2, 2})}, {f.y, Tensor(kFloat32, {2, 1})}}),
               NotFoundError);
}

TEST(Executor, WrongFetchesAndMissingState) {
  Fixture f;
  EXPECT_THROW(Executor(f.g, {ValueRef{42, 0}}, {}, &f.vars), NotFoundError);
  EXPECT_THROW(Executor(f.g, {ValueRef{f.y.node, 1}}, {}, &f.vars), NotFoundError);
  EXPECT_THROW(Executor(f.g, {f.y}, {}, nullptr), ValueError);
  VariableStore empty;
  Executor exec(f.g, {f.y}, {}, &empty);
  EXPECT_NE(ErrorOf([&] {
              exec.Run({{f.x, Tensor(kFloat32, {1, 2})}});
            }).find("variable 'w' has no value"),
            std::string::npos);
  VariableStore wrong;
  wrong.Set("w", Tensor(kFloat32, {3, 1}));
  Executor exec2(f.g, {f.y}, {}, &wrong);
  EXPECT_THROW(exec2.Run({{f.x, Tensor(kFloat32, {1, 2})}}), ShapeError);
}

TEST(Executor, FeedsAreUsedInPlaceAndFetchesAreCopies) {
  Graph g;
  GraphBuilder b(g);
  auto x = b.Placeholder("x", kFloat32, {4});
  auto r = b.Op("Reshape", {x}, {{"shape", std::vector<int64_t>{2, 2}}});
  Executor exec(g, {r}, {}, nullptr);
  Tensor in = Tensor::FromVector<float>({1, 2, 3, 4}, {4});
  // The executor's own result is a view of the fed buffer: the feed was not copied.
  EXPECT_TRUE(exec.RunInPlace({{x, in}})[0].SharesStorageWith(in));
  auto out = exec.Run({{x, in}});
  EXPECT_EQ(out[0].shape(), (Shape{2, 2}));
  EXPECT_FALSE(out[0].SharesStorageWith(in));
  EXPECT_EQ(out[0].ToVector<float>(), in.ToVector<float>());
}

TEST(Executor, UnknownDeviceFallsBackToCpuWithAWarning) {
  Fixture f;
  f.g.node(f.y.node).device = "cuda";
  std::vector<std::string> warnings;
  LogSink previous = SetLogSink([&](LogLevel, std::string_view m) { warnings.emplace_back(m); });
  Executor exec(f.g, {f.y}, {}, &f.vars);
  SetLogSink(previous);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("no cuda kernel for MatMul"), std::string::npos) << warnings[0];
  auto out = exec.Run({{f.x, Tensor::FromVector<float>({1, 1}, {1, 2})}});
  EXPECT_EQ(out[0].item<float>(), 5.f);
  EXPECT_EQ(exec.placement().at(f.y.node), "cpu");
}

}  // namespace
}  // namespace kiln

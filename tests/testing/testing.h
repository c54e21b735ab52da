// Test helpers shared by the suites under tests/: shape parsing, seeded random tensors, running a
// graph through the real Executor, and the one-line shape-inference assertions.
//
//   EXPECT_SHAPE("MatMul", "[2,3];[3,4]", "[2,4]");
//   EXPECT_SHAPE_ATTRS("ReduceSum", "[2,3]", (AttrMap{{"axes", std::vector<int64_t>{1}}}), "[2]");
//   EXPECT_SHAPE_ERROR("MatMul", "[2,3];[4,5]", {}, "inner dimensions differ");
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "graph/graph_builder.h"
#include "graph/variable_store.h"
#include "kernels/executor.h"

namespace kiln::testing {

// "[2,3];[?,4];[]" -> shapes ("?" is unknown; "[]" is a scalar).
std::vector<Shape> ParseShapes(const std::string& text);
// Output types of `op` given input shapes (float32 unless dtypes says otherwise), as "[2,4];[2]".
std::string InferShapes(const std::string& op, const std::string& inputs, AttrMap attrs = {},
                        std::vector<DType> dtypes = {});
// Uniform in [lo, hi), converted to dtype (integers are rounded down).
Tensor RandomTensor(DType dtype, const Shape& shape, std::mt19937& rng, double lo = -1,
                    double hi = 1);
// Max |a - b| over elements, after converting both to float64; throws on shape mismatch.
// A NaN on either side is an infinite difference, unless nan_equal and both are NaN there (Keras's
// own 0 / 0, as a masked average over a fully masked row).
double MaxAbsDiff(const Tensor& a, const Tensor& b, bool nan_equal = false);
// The message of the kiln::Error that f throws, or "no error".
std::string ErrorOf(const std::function<void()>& f);

// `text` with every character but letters and digits replaced by '_': a parameterized test's
// name from a fixture's label.
std::string SafeTestName(std::string text);

// A JSON fixture file (the generated ones under tests/fixtures/keras/gen/), parsed; fails the test
// binary with the path named when it cannot be read.
nlohmann::json ReadJsonFixture(const std::string& path);
// A float32 tensor from nested JSON lists ([[1, 2], [3, 4]] is [2,2]; a number is a scalar).
Tensor TensorFromNested(const nlohmann::json& nested);

}  // namespace kiln::testing

#define EXPECT_SHAPE(op, in, out) EXPECT_EQ(::kiln::testing::InferShapes(op, in), out)
#define EXPECT_SHAPE_ATTRS(op, in, attrs, out) \
  EXPECT_EQ(::kiln::testing::InferShapes(op, in, attrs), out)
#define EXPECT_SHAPE_ERROR(op, in, attrs, fragment)                                   \
  do {                                                                                \
    try {                                                                             \
      std::string got = ::kiln::testing::InferShapes(op, in, attrs);                  \
      ADD_FAILURE() << op << " " << in << ": expected an error, got " << got;         \
    } catch (const ::kiln::Error& e) {                                                \
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what(); \
      EXPECT_NE(std::string(e.what()).find(op), std::string::npos) << e.what();       \
    }                                                                                 \
  } while (0)

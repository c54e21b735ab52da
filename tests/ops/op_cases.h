// The one table of op test cases, written with designated initializers (.name, .op, .shapes, ...).
// Each row drives three checks in op_test.cc: the CPU kernel against the naive reference (float32
// and float64), the gradient against central finite differences (float64, for differentiable ops),
// and registry completeness (every op has a row).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/ops/reference.h"

namespace kiln::testing {

struct OpCase {
  std::string name;  // test name, unique
  std::string op;
  std::string shapes;  // input shapes, "[2,3];[3]"
  AttrMap attrs = {};
  Reference ref = nullptr;
  // Fixed input dtypes; an input past the end or nullopt takes the run dtype.
  std::vector<std::optional<DType>> dtypes = {};
  std::vector<DType> runs = {kFloat32, kFloat64};
  double lo = -2, hi = 2;         // range of the random inputs
  std::vector<int> no_grad = {};  // inputs left out of the gradient check
  std::function<void(std::vector<Tensor>&)> prepare = nullptr;  // fixes up random inputs
  bool compare_outputs = false;
  // Allowed error of the kernel against the reference (times 8 and the output's scale) per run
  // dtype, and of the analytic gradient against finite differences (relative).
  double tolerance32 = 2e-5, tolerance64 = 1e-12;
  double grad_tolerance =
      1e-6;  // for ops that write inputs in place: compare outputs, not the mutated inputs
};

const std::vector<OpCase>& OpCases();

}  // namespace kiln::testing

// Central finite differences in float64, to check analytic gradients. The checker does not run
// graphs itself (autodiff/ sits above kernels/); the caller passes a function that evaluates the
// scalar objective for given input values, and the analytic gradients to compare with.
//
//   auto f = [&](std::span<const Tensor> xs) { return RunScalar(xs); };   // float64 inputs
//   kiln::GradientCheckResult r = kiln::CheckGradients(f, inputs, analytic, 1e-6);
//   EXPECT_LT(r.max_rel_error, 1e-6) << r.worst;
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace kiln {

struct GradientCheckResult {
  double max_abs_error = 0;
  double max_rel_error = 0;  // |a - n| / max(1, |a|, |n|)
  std::string worst;         // which input and element, with both values
};

using ScalarFn = std::function<double(std::span<const Tensor>)>;

// inputs and analytic must be float64 and pairwise equal in shape.
GradientCheckResult CheckGradients(const ScalarFn& f, std::span<const Tensor> inputs,
                                   std::span<const Tensor> analytic, double step = 1e-6);

}  // namespace kiln

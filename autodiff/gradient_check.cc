#include "autodiff/gradient_check.h"

#include <cmath>
#include <sstream>

namespace kiln {

GradientCheckResult CheckGradients(const ScalarFn& f, std::span<const Tensor> inputs,
                                   std::span<const Tensor> analytic, double step) {
  if (inputs.size() != analytic.size())
    throw ValueError("CheckGradients: " + std::to_string(inputs.size()) + " inputs but " +
                     std::to_string(analytic.size()) + " gradients");
  std::vector<Tensor> xs;
  for (const Tensor& t : inputs) {
    if (t.dtype() != kFloat64) throw TypeError("CheckGradients: inputs must be float64");
    xs.push_back(t.Clone());
  }
  GradientCheckResult r;
  for (size_t k = 0; k < xs.size(); ++k) {
    if (analytic[k].shape() != xs[k].shape())
      throw ShapeError("CheckGradients: gradient " + std::to_string(k) + " has shape " +
                       analytic[k].shape().ToString() + ", input has " + xs[k].shape().ToString());
    const Tensor a64 = analytic[k].astype(kFloat64);
    double* p = xs[k].data<double>();
    for (int64_t i = 0; i < xs[k].num_elements(); ++i) {
      const double saved = p[i];
      p[i] = saved + step;
      const double up = f(xs);
      p[i] = saved - step;
      const double down = f(xs);
      p[i] = saved;
      const double numeric = (up - down) / (2 * step);
      const double a = a64.data<double>()[i];
      const double abs_err = std::abs(a - numeric);
      const double rel_err = abs_err / std::max({1.0, std::abs(a), std::abs(numeric)});
      r.max_abs_error = std::max(r.max_abs_error, abs_err);
      if (rel_err > r.max_rel_error || (std::isnan(rel_err) && !std::isnan(r.max_rel_error))) {
        r.max_rel_error = std::isnan(rel_err) ? INFINITY : rel_err;
        std::ostringstream os;
        os << "input " << k << " element " << i << ": analytic " << a << ", numeric " << numeric;
        r.worst = os.str();
      }
    }
  }
  return r;
}

}  // namespace kiln

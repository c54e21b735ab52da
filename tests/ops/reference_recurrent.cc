// Naive references for the recurrent ops: one sequence row at a time, one step at a time, with
// every product written as a loop, and the gradient ops' references as finite differences of
// the forward reference (so the backpropagation-through-time kernels are checked against
// something that knows nothing of backpropagation).
#include <cmath>
#include <string>

#include "tests/ops/reference.h"

namespace kiln::testing {
namespace {

std::vector<double> Doubles(const Tensor& t) { return t.astype(kFloat64).ToVector<double>(); }

double Act(const std::string& name, double z) {
  const double s = 1 / (1 + std::exp(-z));
  if (name == "linear") return z;
  if (name == "tanh") return std::tanh(z);
  if (name == "sigmoid") return s;
  if (name == "hard_sigmoid") return std::min(std::max(z + 3, 0.0), 6.0) / 6;
  if (name == "relu") return std::max(z, 0.0);
  if (name == "relu6") return std::min(std::max(z, 0.0), 6.0);
  if (name == "elu") return z > 0 ? z : std::exp(z) - 1;
  if (name == "selu")
    return 1.0507009873554804934 * (z > 0 ? z : 1.6732632423543772848 * (std::exp(z) - 1));
  if (name == "softplus") return std::log(1 + std::exp(z));
  if (name == "softsign") return z / (1 + std::abs(z));
  if (name == "swish" || name == "silu") return z * s;
  throw Error("reference: activation " + name);
}

struct Forward {
  std::vector<std::vector<double>> out;  // y, final states, z, state sequences
};

// The op's outputs for inputs `in` (forward inputs only).
Forward Run(const std::string& op, const std::vector<std::vector<double>>& in,
            const std::vector<Shape>& shapes, const AttrMap& at) {
  const int S = op == "LSTM" ? 2 : 1;
  const int64_t B = shapes[0][0], T = shapes[0][1], I = shapes[0][2], U = shapes[2 + S][0],
                G = shapes[1 + S][1];
  const bool gru = op == "GRU", ra = gru && at.Get<bool>("reset_after");
  const int64_t zw = op == "LSTM" ? 4 * U : gru ? (ra ? 4 : 3) * U : U;
  const std::string a = at.Get<std::string>("activation"),
                    ra_name = at.Get<std::string>("recurrent_activation");
  const bool back = at.Get<bool>("go_backwards"), zero = at.Get<bool>("zero_output_for_mask");
  const auto &x = in[0], &W = in[1 + S], &R = in[2 + S], &bias = in[3 + S], &mask = in[4 + S];
  Forward f;
  f.out.assign(2 + 2 * S, {});
  f.out[0].assign(B * T * U, 0);
  for (int k = 0; k < S; ++k) f.out[1 + k].assign(B * U, 0), f.out[2 + S + k].assign(B * T * U, 0);
  f.out[1 + S].assign(B * T * zw, 0);
  for (int64_t b = 0; b < B; ++b) {
    std::vector<std::vector<double>> st(S);
    for (int k = 0; k < S; ++k) {  // [B, U], or one row [1, U] for every sequence
      const int64_t row = shapes[1 + k][0] == 1 ? 0 : b;
      st[k].assign(in[1 + k].begin() + row * U, in[1 + k].begin() + (row + 1) * U);
    }
    std::vector<double> prev_out(U, 0);
    for (int64_t s = 0; s < T; ++s) {
      const int64_t t = back ? T - 1 - s : s;
      auto xw = [&](int64_t col) {
        double v = bias[col];
        for (int64_t i = 0; i < I; ++i) v += x[(b * T + t) * I + i] * W[i * G + col];
        return v;
      };
      auto hr = [&](const std::vector<double>& h, int64_t col) {
        double v = ra ? bias[G + col] : 0;
        for (int64_t j = 0; j < U; ++j) v += h[j] * R[j * G + col];
        return v;
      };
      std::vector<double> z(zw), h(U), c(U);
      const std::vector<double>& hp = st[0];
      if (op == "SimpleRNN") {
        for (int64_t u = 0; u < U; ++u) z[u] = xw(u) + hr(hp, u), h[u] = Act(a, z[u]);
      } else if (op == "LSTM") {
        for (int64_t col = 0; col < 4 * U; ++col) z[col] = xw(col) + hr(hp, col);
        for (int64_t u = 0; u < U; ++u) {
          c[u] = Act(ra_name, z[U + u]) * st[1][u] + Act(ra_name, z[u]) * Act(a, z[2 * U + u]);
          h[u] = Act(ra_name, z[3 * U + u]) * Act(a, c[u]);
        }
      } else {
        for (int64_t col = 0; col < 2 * U; ++col) z[col] = xw(col) + hr(hp, col);
        std::vector<double> rh(U);
        for (int64_t u = 0; u < U; ++u) rh[u] = Act(ra_name, z[U + u]) * hp[u];
        for (int64_t u = 0; u < U; ++u) {
          if (ra) {
            z[3 * U + u] = hr(hp, 2 * U + u);
            z[2 * U + u] = xw(2 * U + u) + Act(ra_name, z[U + u]) * z[3 * U + u];
          } else {
            double v = xw(2 * U + u);
            for (int64_t j = 0; j < U; ++j) v += rh[j] * R[j * G + 2 * U + u];
            z[2 * U + u] = v;
          }
          const double zz = Act(ra_name, z[u]);
          h[u] = zz * hp[u] + (1 - zz) * Act(a, z[2 * U + u]);
        }
      }
      std::copy(z.begin(), z.end(), f.out[1 + S].begin() + (b * T + s) * zw);
      if (mask.size() == 1 || mask[b * T + t] != 0) {
        st[0] = h;
        if (S == 2) st[1] = c;
        prev_out = h;
      } else if (zero) {
        prev_out.assign(U, 0);
      }
      const int64_t row = at.Get<bool>("outputs_in_time_order") ? t : s;
      std::copy(prev_out.begin(), prev_out.end(), f.out[0].begin() + (b * T + row) * U);
      for (int k = 0; k < S; ++k)
        std::copy(st[k].begin(), st[k].end(), f.out[2 + S + k].begin() + (b * T + s) * U);
    }
    for (int k = 0; k < S; ++k) std::copy(st[k].begin(), st[k].end(), f.out[1 + k].begin() + b * U);
  }
  return f;
}

std::vector<Shape> Shapes(std::span<const Tensor> in, size_t n) {
  std::vector<Shape> s;
  for (size_t i = 0; i < n; ++i) s.push_back(in[i].shape());
  return s;
}

std::vector<std::vector<double>> Values(std::span<const Tensor> in, size_t n) {
  std::vector<std::vector<double>> v;
  for (size_t i = 0; i < n; ++i) v.push_back(Doubles(in[i]));
  return v;
}

int States(const std::string& op) { return op.starts_with("LSTM") ? 2 : 1; }

}  // namespace

Reference RefRecurrent(const std::string& op) {
  return [op](std::span<const Tensor> in, const AttrMap& at) {
    const size_t n = 5 + States(op);
    const std::vector<Shape> shapes = Shapes(in, n);
    Forward f = Run(op, Values(in, n), shapes, at);
    const int S = States(op);
    const int64_t B = shapes[0][0], T = shapes[0][1], U = shapes[2 + S][0];
    std::vector<Tensor> out;
    for (size_t k = 0; k < f.out.size(); ++k) {
      Shape s = k == 0 || k >= static_cast<size_t>(2 + S) ? Shape{B, T, U} : Shape{B, U};
      if (k == static_cast<size_t>(1 + S))
        s = Shape{B, T, static_cast<int64_t>(f.out[k].size()) / (B * T)};
      out.push_back(Tensor::FromVector<double>(f.out[k], s));
    }
    return out;
  };
}

Reference RefRecurrentGrad(const std::string& op) {
  const std::string fwd = op.substr(0, op.size() - 4);
  return [fwd](std::span<const Tensor> in, const AttrMap& at) {
    const int S = States(fwd);
    const size_t n = 5 + S;
    const std::vector<Shape> shapes = Shapes(in, n);
    std::vector<std::vector<double>> v = Values(in, n);
    std::vector<std::vector<double>> dout = {Doubles(in[n + 1 + S])};
    for (int k = 0; k < S; ++k) dout.push_back(Doubles(in[n + 2 + S + k]));
    auto objective = [&] {
      Forward f = Run(fwd, v, shapes, at);
      double sum = 0;
      for (size_t k = 0; k < dout.size(); ++k)
        for (size_t i = 0; i < dout[k].size(); ++i) sum += dout[k][i] * f.out[k][i];
      return sum;
    };
    std::vector<Tensor> grads;
    for (size_t k = 0; k + 1 < n; ++k) {
      std::vector<double> g(v[k].size());
      for (size_t i = 0; i < v[k].size(); ++i) {
        const double keep = v[k][i], eps = 1e-6;
        v[k][i] = keep + eps;
        const double up = objective();
        v[k][i] = keep - eps;
        g[i] = (up - objective()) / (2 * eps);
        v[k][i] = keep;
      }
      grads.push_back(Tensor::FromVector<double>(g, shapes[k]));
    }
    return grads;
  };
}

std::function<void(std::vector<Tensor>&)> PrepareRecurrent(const std::string& op,
                                                           const AttrMap& attrs) {
  return [op, attrs](std::vector<Tensor>& v) {
    const bool grad = op.ends_with("Grad");
    const std::string fwd = grad ? op.substr(0, op.size() - 4) : op;
    const int S = States(fwd);
    Tensor& mask = v[4 + S];
    if (mask.shape().rank() == 0) {
      mask = Tensor::FromVector<double>({1.0}, Shape{}).astype(mask.dtype());
    } else {
      const int64_t B = mask.dim(0), T = mask.dim(1);
      std::vector<double> m(B * T);
      // A fully kept row, then rows that skip their first step, later ones and the last.
      for (int64_t b = 0; b < B; ++b)
        for (int64_t t = 0; t < T; ++t) m[b * T + t] = b == 0 || t % 3 == 1 ? 1 : 0;
      mask = Tensor::FromVector<double>(m, mask.shape()).astype(mask.dtype());
    }
    if (!grad) return;
    // The saved outputs the gradient op reads must be the forward op's for these inputs.
    std::vector<Tensor> fwd_in(v.begin(), v.begin() + 5 + S);
    std::vector<Tensor> out = RefRecurrent(fwd)(fwd_in, attrs);
    for (int k = 0; k <= S; ++k) v[5 + S + k] = out[1 + S + k].astype(v[0].dtype());
  };
}

}  // namespace kiln::testing

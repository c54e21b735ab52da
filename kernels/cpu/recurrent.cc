// SimpleRNN, LSTM and GRU over a whole sequence, and their gradients by backpropagation through
// time (the layout is ops/recurrent_common.h's). The input projection x W of every step is one
// GEMM before the loop, and dx, dW one GEMM each after it; only h R (and its gradient) runs per
// step. A cell type says what one step computes; one driver handles time order, masks and the
// saved sequences for all three.
#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

#include "graph/error.h"
#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using MapMat = Eigen::Map<Mat<T>>;
template <typename T>
using ConstMapMat = Eigen::Map<const Mat<T>>;

enum class Act {
  kLinear,
  kTanh,
  kSigmoid,
  kHardSigmoid,
  kRelu,
  kRelu6,
  kElu,
  kSelu,
  kSoftplus,
  kSoftsign,
  kSwish
};

Act ParseAct(const std::string& name) {
  static const std::pair<const char*, Act> kNames[] = {
      {"linear", Act::kLinear},     {"tanh", Act::kTanh},
      {"sigmoid", Act::kSigmoid},   {"hard_sigmoid", Act::kHardSigmoid},
      {"relu", Act::kRelu},         {"relu6", Act::kRelu6},
      {"elu", Act::kElu},           {"selu", Act::kSelu},
      {"softplus", Act::kSoftplus}, {"softsign", Act::kSoftsign},
      {"swish", Act::kSwish},       {"silu", Act::kSwish}};
  for (const auto& [n, a] : kNames)
    if (name == n) return a;
  throw Error("recurrent kernel: unknown activation '" + name + "'");
}

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

template <typename T>
T Sigmoid(T z) {
  return T(1) / (T(1) + std::exp(-z));
}

template <typename T>
T Apply(Act a, T z) {
  switch (a) {
    case Act::kLinear:
      return z;
    case Act::kTanh:
      return std::tanh(z);
    case Act::kSigmoid:
      return Sigmoid(z);
    case Act::kHardSigmoid:
      return std::clamp((z + T(3)) / T(6), T(0), T(1));
    case Act::kRelu:
      return z > 0 ? z : T(0);
    case Act::kRelu6:
      return std::clamp(z, T(0), T(6));
    case Act::kElu:
      return z > 0 ? z : std::expm1(z);
    case Act::kSelu:
      return T(kSeluScale) * (z > 0 ? z : T(kSeluAlpha) * std::expm1(z));
    case Act::kSoftplus:
      return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
    case Act::kSoftsign:
      return z / (T(1) + std::abs(z));
    case Act::kSwish:
      return z * Sigmoid(z);
  }
  return z;
}

// d Apply(a, z) / dz; at a kink, the derivative of the side Keras's gradient takes (0 at relu's 0).
template <typename T>
T Derivative(Act a, T z) {
  switch (a) {
    case Act::kLinear:
      return T(1);
    case Act::kTanh: {
      const T t = std::tanh(z);
      return T(1) - t * t;
    }
    case Act::kSigmoid: {
      const T s = Sigmoid(z);
      return s * (T(1) - s);
    }
    case Act::kHardSigmoid:
      return z > T(-3) && z < T(3) ? T(1) / T(6) : T(0);
    case Act::kRelu:
      return z > 0 ? T(1) : T(0);
    case Act::kRelu6:
      return z > 0 && z < T(6) ? T(1) : T(0);
    case Act::kElu:
      return z > 0 ? T(1) : std::exp(z);
    case Act::kSelu:
      return T(kSeluScale) * (z > 0 ? T(1) : T(kSeluAlpha) * std::exp(z));
    case Act::kSoftplus:
      return Sigmoid(z);
    case Act::kSoftsign: {
      const T d = T(1) + std::abs(z);
      return T(1) / (d * d);
    }
    case Act::kSwish: {
      const T s = Sigmoid(z);
      return s + z * s * (T(1) - s);
    }
  }
  return T(1);
}

// What a cell sees of the node: units, activations and the recurrent weights.
template <typename T>
struct CellParams {
  int64_t units;
  Act act, rec_act;
  ConstMapMat<T> rec;  // [units, gates * units]
  const T* rec_bias;   // GRU reset_after's second bias row, else null
};

// Every cell takes `hr`, the previous h as the recurrent products see it (h times the recurrent
// dropout mask, or h itself), and in StepBack adds the gradient through those products into
// `dhr`; the driver maps it back to h.

// h = act(x W + hr R + b).
template <typename T>
struct SimpleRnnCell {
  static constexpr int kStates = 1;
  const CellParams<T>& p;
  int64_t saved_width() const { return p.units; }

  void Step(const Mat<T>& xz, const std::vector<Mat<T>>&, const Mat<T>& hr, Mat<T>& z,
            std::vector<Mat<T>>& next) const {
    z.noalias() = xz + hr * p.rec;
    next[0] = z.unaryExpr([&](T v) { return Apply(p.act, v); });
  }
  void StepBack(const std::vector<Mat<T>>& dnext, const Mat<T>& z, const std::vector<Mat<T>>&,
                const Mat<T>& hr, Mat<T>& dxz, std::vector<Mat<T>>&, Mat<T>& dhr, Mat<T>& drec,
                Mat<T>*) const {
    dxz = dnext[0].cwiseProduct(z.unaryExpr([&](T v) { return Derivative(p.act, v); }));
    dhr.noalias() += dxz * p.rec.transpose();
    drec.noalias() += hr.transpose() * dxz;
  }
};

// Keras's LSTM: gates i, f, c, o in that column order.
template <typename T>
struct LstmCell {
  static constexpr int kStates = 2;
  const CellParams<T>& p;
  int64_t saved_width() const { return 4 * p.units; }

  void Step(const Mat<T>& xz, const std::vector<Mat<T>>& prev, const Mat<T>& hr, Mat<T>& z,
            std::vector<Mat<T>>& next) const {
    const int64_t u = p.units;
    z.noalias() = xz + hr * p.rec;
    for (int64_t b = 0; b < z.rows(); ++b)
      for (int64_t j = 0; j < u; ++j) {
        const T i = Apply(p.rec_act, z(b, j)), f = Apply(p.rec_act, z(b, u + j)),
                g = Apply(p.act, z(b, 2 * u + j)), o = Apply(p.rec_act, z(b, 3 * u + j));
        const T c = f * prev[1](b, j) + i * g;
        next[1](b, j) = c;
        next[0](b, j) = o * Apply(p.act, c);
      }
  }
  void StepBack(const std::vector<Mat<T>>& dnext, const Mat<T>& z, const std::vector<Mat<T>>& prev,
                const Mat<T>& hr, Mat<T>& dxz, std::vector<Mat<T>>& dprev, Mat<T>& dhr,
                Mat<T>& drec, Mat<T>*) const {
    const int64_t u = p.units;
    for (int64_t b = 0; b < z.rows(); ++b)
      for (int64_t j = 0; j < u; ++j) {
        const T zi = z(b, j), zf = z(b, u + j), zg = z(b, 2 * u + j), zo = z(b, 3 * u + j);
        const T i = Apply(p.rec_act, zi), f = Apply(p.rec_act, zf), g = Apply(p.act, zg),
                o = Apply(p.rec_act, zo);
        const T c_prev = prev[1](b, j), c = f * c_prev + i * g;
        const T dh = dnext[0](b, j);
        const T dc = dnext[1](b, j) + dh * o * Derivative(p.act, c);
        dxz(b, j) = dc * g * Derivative(p.rec_act, zi);
        dxz(b, u + j) = dc * c_prev * Derivative(p.rec_act, zf);
        dxz(b, 2 * u + j) = dc * i * Derivative(p.act, zg);
        dxz(b, 3 * u + j) = dh * Apply(p.act, c) * Derivative(p.rec_act, zo);
        dprev[1](b, j) += dc * f;
      }
    dhr.noalias() += dxz * p.rec.transpose();
    drec.noalias() += hr.transpose() * dxz;
  }
};

// Keras's GRU: gates z, r, h. With reset_after the candidate is act(xz_h + r * (hr R_h + b_h));
// without it, act(xz_h + (r * hr) R_h). The new h mixes the previous h itself, as Keras's.
template <typename T>
struct GruCell {
  static constexpr int kStates = 1;
  const CellParams<T>& p;
  bool reset_after;
  int64_t saved_width() const { return (reset_after ? 4 : 3) * p.units; }

  void Step(const Mat<T>& xz, const std::vector<Mat<T>>& prev, const Mat<T>& hr, Mat<T>& z,
            std::vector<Mat<T>>& next) const {
    const int64_t u = p.units, n = xz.rows();
    const Mat<T>& h = prev[0];
    Mat<T> rz;
    if (reset_after) {
      rz.noalias() = hr * p.rec;
      rz.rowwise() += Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(p.rec_bias, 3 * u);
    } else {
      rz.noalias() = hr * p.rec.leftCols(2 * u);
    }
    for (int64_t b = 0; b < n; ++b)
      for (int64_t j = 0; j < 2 * u; ++j) z(b, j) = xz(b, j) + rz(b, j);
    if (reset_after) {
      for (int64_t b = 0; b < n; ++b)
        for (int64_t j = 0; j < u; ++j) {
          const T r = Apply(p.rec_act, z(b, u + j));
          z(b, 3 * u + j) = rz(b, 2 * u + j);
          z(b, 2 * u + j) = xz(b, 2 * u + j) + r * rz(b, 2 * u + j);
        }
    } else {
      Mat<T> rh(n, u);
      for (int64_t b = 0; b < n; ++b)
        for (int64_t j = 0; j < u; ++j) rh(b, j) = Apply(p.rec_act, z(b, u + j)) * hr(b, j);
      const Mat<T> cand = rh * p.rec.rightCols(u);
      for (int64_t b = 0; b < n; ++b)
        for (int64_t j = 0; j < u; ++j) z(b, 2 * u + j) = xz(b, 2 * u + j) + cand(b, j);
    }
    for (int64_t b = 0; b < n; ++b)
      for (int64_t j = 0; j < u; ++j) {
        const T zz = Apply(p.rec_act, z(b, j)), hh = Apply(p.act, z(b, 2 * u + j));
        next[0](b, j) = zz * h(b, j) + (T(1) - zz) * hh;
      }
  }

  void StepBack(const std::vector<Mat<T>>& dnext, const Mat<T>& z, const std::vector<Mat<T>>& prev,
                const Mat<T>& hr, Mat<T>& dxz, std::vector<Mat<T>>& dprev, Mat<T>& dhr,
                Mat<T>& drec, Mat<T>* drec_bias) const {
    const int64_t u = p.units, n = z.rows();
    const Mat<T>& h = prev[0];
    Mat<T> drz(n, reset_after ? 3 * u : 2 * u);
    Mat<T> r(n, u);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t j = 0; j < u; ++j) {
        const T az = z(b, j), ar = z(b, u + j), ah = z(b, 2 * u + j);
        const T zz = Apply(p.rec_act, az), hh = Apply(p.act, ah);
        r(b, j) = Apply(p.rec_act, ar);
        const T dh = dnext[0](b, j);
        dprev[0](b, j) += dh * zz;
        const T dah = dh * (T(1) - zz) * Derivative(p.act, ah);
        dxz(b, j) = drz(b, j) = dh * (h(b, j) - hh) * Derivative(p.rec_act, az);
        dxz(b, 2 * u + j) = dah;
        if (reset_after) {
          drz(b, 2 * u + j) = dah * r(b, j);
          dxz(b, u + j) = drz(b, u + j) = dah * z(b, 3 * u + j) * Derivative(p.rec_act, ar);
        }
      }
    if (!reset_after) {
      const Mat<T> dah = dxz.rightCols(u);
      const Mat<T> drh = dah * p.rec.rightCols(u).transpose();
      drec.rightCols(u).noalias() += r.cwiseProduct(hr).transpose() * dah;
      for (int64_t b = 0; b < n; ++b)
        for (int64_t j = 0; j < u; ++j) {
          dhr(b, j) += drh(b, j) * r(b, j);
          dxz(b, u + j) = drz(b, u + j) = drh(b, j) * hr(b, j) * Derivative(p.rec_act, z(b, u + j));
        }
      dhr.noalias() += drz * p.rec.leftCols(2 * u).transpose();
      drec.leftCols(2 * u).noalias() += hr.transpose() * drz;
    } else {
      dhr.noalias() += drz * p.rec.transpose();
      drec.noalias() += hr.transpose() * drz;
      *drec_bias += drz.colwise().sum();
    }
  }
};

struct RecurrentAttrs {
  Act act, rec_act;
  bool go_backwards, zero_output_for_mask, in_time_order, reset_after;
};

RecurrentAttrs ParseAttrs(const Node& node) {
  const AttrMap& a = node.attrs;
  return {ParseAct(a.Get<std::string>("activation")),
          ParseAct(a.Get<std::string>("recurrent_activation")),
          a.Get<bool>("go_backwards"),
          a.Get<bool>("zero_output_for_mask"),
          a.Get<bool>("outputs_in_time_order"),
          node.op == "GRU" || node.op == "GRUGrad" ? a.Get<bool>("reset_after") : false};
}

// Whether step t of row b is kept: the mask's 1s, or every step for a scalar mask.
template <typename T>
struct Kept {
  const Tensor& mask;
  int64_t steps;
  bool operator()(int64_t b, int64_t t) const {
    return mask.shape().rank() == 0 || mask.data<T>()[b * steps + t] != T(0);
  }
};

// h as the recurrent products see it: times the recurrent dropout mask [B, U], or h itself for
// the scalar 1.
template <typename T>
Mat<T> RecurrentInput(const Mat<T>& h, const Tensor& rec_mask) {
  if (rec_mask.shape().rank() == 0) return h;
  return h.cwiseProduct(ConstMapMat<T>(rec_mask.data<T>(), h.rows(), h.cols()));
}

// An initial state [B, U], or [1, U] repeated for every row.
template <typename T>
Mat<T> InitialState(const Tensor& s, int64_t rows) {
  const int64_t u = s.dim(1);
  if (s.dim(0) == rows) return ConstMapMat<T>(s.data<T>(), rows, u);
  return ConstMapMat<T>(s.data<T>(), 1, u).replicate(rows, 1);
}

template <typename T>
Mat<T> Zeros(int64_t rows, int64_t cols) {
  return Mat<T>::Zero(rows, cols);
}

// Row (b, s) of a [B, T, width] tensor.
template <typename T>
T* Row(T* base, int64_t b, int64_t s, int64_t steps, int64_t width) {
  return base + (b * steps + s) * width;
}

// The cell of `op` for these parameters, passed to fn.
template <typename T, typename Fn>
void WithCell(const std::string& op, const RecurrentAttrs& at, const CellParams<T>& p, Fn&& fn) {
  if (op.starts_with("SimpleRNN"))
    fn(SimpleRnnCell<T>{p});
  else if (op.starts_with("LSTM"))
    fn(LstmCell<T>{p});
  else
    fn(GruCell<T>{p, at.reset_after});
}

// The input projection's bias row (the only row, or reset_after's first).
template <typename T>
Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>> InputBias(const Tensor& bias, int64_t cols) {
  return {bias.data<T>(), cols};
}

template <typename T>
void Forward(KernelContext& c, const RecurrentAttrs& at) {
  const int S = c.node.op == "LSTM" ? 2 : 1;
  const Tensor& x = c.input(0);
  const Tensor &kernel = c.input(1 + S), &rec = c.input(2 + S), &bias = c.input(3 + S),
               &mask = c.input(4 + S), &rec_mask = c.input(5 + S);
  const int64_t B = x.dim(0), T_ = x.dim(1), I = x.dim(2), U = rec.dim(0), G = kernel.dim(1);
  const CellParams<T> p{U, at.act, at.rec_act, ConstMapMat<T>(rec.data<T>(), U, rec.dim(1)),
                        bias.shape().rank() == 2 ? bias.data<T>() + G : nullptr};
  // x W + b for every (batch, time) row, in x's row order.
  Mat<T> xw(B * T_, G);
  xw.noalias() = ConstMapMat<T>(x.data<T>(), B * T_, I) * ConstMapMat<T>(kernel.data<T>(), I, G);
  xw.rowwise() += InputBias<T>(bias, G);
  WithCell<T>(c.node.op, at, p, [&](const auto& cell) {
    const int64_t zw = cell.saved_width();
    std::vector<Mat<T>> st(S), next(S, Zeros<T>(B, U));
    for (int k = 0; k < S; ++k) st[k] = InitialState<T>(c.input(1 + k), B);
    Mat<T> prev_out = Zeros<T>(B, U), xz(B, G), z(B, zw);
    T* y = c.output(0).data<T>();
    T* zs = c.output(1 + S).data<T>();
    const Kept<T> kept{mask, T_};
    for (int64_t s = 0; s < T_; ++s) {
      const int64_t t = at.go_backwards ? T_ - 1 - s : s;
      for (int64_t b = 0; b < B; ++b) xz.row(b) = xw.row(b * T_ + t);
      cell.Step(xz, st, RecurrentInput(st[0], rec_mask), z, next);
      for (int64_t b = 0; b < B; ++b) {
        std::copy_n(&z(b, 0), zw, Row(zs, b, s, T_, zw));
        if (kept(b, t)) {
          for (int k = 0; k < S; ++k) st[k].row(b) = next[k].row(b);
          prev_out.row(b) = st[0].row(b);
        } else if (at.zero_output_for_mask) {
          prev_out.row(b).setZero();
        }
        std::copy_n(&prev_out(b, 0), U, Row(y, b, at.in_time_order ? t : s, T_, U));
        for (int k = 0; k < S; ++k)
          std::copy_n(&st[k](b, 0), U, Row(c.output(2 + S + k).data<T>(), b, s, T_, U));
      }
    }
    for (int k = 0; k < S; ++k) MapMat<T>(c.output(1 + k).data<T>(), B, U) = st[k];
  });
}

template <typename T>
void Backward(KernelContext& c, const RecurrentAttrs& at) {
  const int S = c.node.op == "LSTMGrad" ? 2 : 1;
  const Tensor& x = c.input(0);
  const Tensor &kernel = c.input(1 + S), &rec = c.input(2 + S), &bias = c.input(3 + S),
               &mask = c.input(4 + S), &rec_mask = c.input(5 + S), &zs = c.input(6 + S),
               &dy = c.input(7 + 2 * S);
  const int64_t B = x.dim(0), T_ = x.dim(1), I = x.dim(2), U = rec.dim(0), G = kernel.dim(1);
  const CellParams<T> p{U, at.act, at.rec_act, ConstMapMat<T>(rec.data<T>(), U, rec.dim(1)),
                        bias.shape().rank() == 2 ? bias.data<T>() + G : nullptr};
  WithCell<T>(c.node.op, at, p, [&](const auto& cell) {
    const int64_t zw = cell.saved_width();
    std::vector<Mat<T>> dst(S), dnew(S, Zeros<T>(B, U)), prev(S, Zeros<T>(B, U)), dprev(S);
    for (int k = 0; k < S; ++k) dst[k] = ConstMapMat<T>(c.input(8 + 2 * S + k).data<T>(), B, U);
    Mat<T> carry = Zeros<T>(B, U), z(B, zw), dxz_step(B, G);
    Mat<T> dxz = Zeros<T>(B * T_, G), drec = Zeros<T>(U, rec.dim(1));
    Mat<T> drec_bias = Zeros<T>(1, G);
    const Kept<T> is_kept{mask, T_};
    for (int64_t s = T_ - 1; s >= 0; --s) {
      const int64_t t = at.go_backwards ? T_ - 1 - s : s;
      for (int64_t b = 0; b < B; ++b) {
        const T* dyr = Row(dy.data<T>(), b, at.in_time_order ? t : s, T_, U);
        const bool kept = is_kept(b, t);
        for (int64_t j = 0; j < U; ++j) {
          const T g_out = dyr[j] + carry(b, j);
          // A kept step's output is its new h; a skipped one's is the previous output (or zero).
          dnew[0](b, j) = kept ? g_out + dst[0](b, j) : T(0);
          carry(b, j) = kept || at.zero_output_for_mask ? T(0) : g_out;
        }
        for (int k = 1; k < S; ++k) {
          if (kept)
            dnew[k].row(b) = dst[k].row(b);
          else
            dnew[k].row(b).setZero();
        }
        // A skipped step passes its states' gradients straight to the previous states.
        for (int k = 0; k < S; ++k)
          if (kept) dst[k].row(b).setZero();
        std::copy_n(Row(zs.data<T>(), b, s, T_, zw), zw, &z(b, 0));
        for (int k = 0; k < S; ++k) {
          const Tensor& init = c.input(1 + k);
          const T* src = s == 0 ? init.data<T>() + (init.dim(0) == 1 ? 0 : b * U)
                                : Row(c.input(7 + S + k).data<T>(), b, s - 1, T_, U);
          std::copy_n(src, U, &prev[k](b, 0));
        }
      }
      dprev = dst;
      Mat<T> dhr = Zeros<T>(B, U);
      cell.StepBack(dnew, z, prev, RecurrentInput(prev[0], rec_mask), dxz_step, dprev, dhr, drec,
                    &drec_bias);
      dst = dprev;
      dst[0] += RecurrentInput(dhr, rec_mask);
      for (int64_t b = 0; b < B; ++b) dxz.row(b * T_ + t) = dxz_step.row(b);
    }
    MapMat<T>(c.output(0).data<T>(), B * T_, I).noalias() =
        dxz * ConstMapMat<T>(kernel.data<T>(), I, G).transpose();
    for (int k = 0; k < S; ++k) {
      Tensor& d = c.output(1 + k);
      if (d.dim(0) == B)
        MapMat<T>(d.data<T>(), B, U) = dst[k];
      else  // one initial state for every row
        MapMat<T>(d.data<T>(), 1, U) = dst[k].colwise().sum();
    }
    MapMat<T>(c.output(1 + S).data<T>(), I, G).noalias() =
        ConstMapMat<T>(x.data<T>(), B * T_, I).transpose() * dxz;
    MapMat<T>(c.output(2 + S).data<T>(), U, rec.dim(1)) = drec;
    T* db = c.output(3 + S).data<T>();
    MapMat<T>(db, 1, G) = dxz.colwise().sum();
    if (bias.shape().rank() == 2) MapMat<T>(db + G, 1, G) = drec_bias;
  });
}

template <typename T, bool kGrad>
KernelFn Create(const Node& node) {
  const RecurrentAttrs at = ParseAttrs(node);
  return [at](KernelContext& c) {
    Eigen::setNbThreads(1);
    if constexpr (kGrad)
      Backward<T>(c, at);
    else
      Forward<T>(c, at);
  };
}

const bool registered = [] {
  auto& r = KernelRegistry::Global();
  for (const char* op : {"SimpleRNN", "LSTM", "GRU"}) {
    const std::string grad = std::string(op) + "Grad";
    r.Register({.op = op, .device = "cpu", .dtype = kFloat32, .create = Create<float, false>});
    r.Register({.op = op, .device = "cpu", .dtype = kFloat64, .create = Create<double, false>});
    r.Register({.op = grad, .device = "cpu", .dtype = kFloat32, .create = Create<float, true>});
    r.Register({.op = grad, .device = "cpu", .dtype = kFloat64, .create = Create<double, true>});
  }
  return true;
}();

}  // namespace
}  // namespace kiln::cpu

// Softmax, LogSoftmax and the two fused cross-entropy losses, all with the maximum subtracted
// before exponentiating so that large logits do not overflow.
#include <cmath>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T, bool kLog>
struct SoftmaxT {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    int64_t axis = c.attrs().Get<int64_t>("axis");
    if (axis < 0) axis += x.rank();
    AxisSplit s = SplitAt(x.shape(), static_cast<int>(axis));
    const T* px = x.data<T>();
    T* py = c.output(0).data<T>();
    if (s.inner == 1) {
      for (int64_t o = 0; o < s.outer; ++o) {
        ConstVec<T> row(px + o * s.axis, s.axis);
        Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> out(py + o * s.axis, s.axis);
        const T m = s.axis ? row.maxCoeff() : T(0);
        out = row - m;
        if constexpr (kLog) {
          out -= std::log(out.exp().sum());
        } else {
          out = out.exp();
          out /= out.sum();
        }
      }
      return;
    }
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t i = 0; i < s.inner; ++i) {
        auto at = [&](int64_t k) { return (o * s.axis + k) * s.inner + i; };
        T m = std::numeric_limits<T>::lowest();
        for (int64_t k = 0; k < s.axis; ++k) m = std::max(m, px[at(k)]);
        T sum = 0;
        for (int64_t k = 0; k < s.axis; ++k) sum += std::exp(px[at(k)] - m);
        for (int64_t k = 0; k < s.axis; ++k)
          py[at(k)] = kLog ? px[at(k)] - m - std::log(sum) : std::exp(px[at(k)] - m) / sum;
      }
  }
};
template <typename T>
using Softmax = SoftmaxT<T, false>;
template <typename T>
using LogSoftmax = SoftmaxT<T, true>;

template <typename T>
struct SoftmaxCrossEntropy {
  static void Run(KernelContext& c) {
    const Tensor& logits = c.input(0);
    const Tensor& labels = c.input(1);
    if (labels.shape() != logits.shape())
      throw ShapeError("SoftmaxCrossEntropy (node '" + c.node.name + "'): labels " +
                       labels.shape().ToString() + " do not match logits " +
                       logits.shape().ToString());
    const int64_t rows = logits.dim(0), cols = logits.dim(1);
    T* loss = c.output(0).data<T>();
    T* back = c.output(1).data<T>();
    for (int64_t r = 0; r < rows; ++r) {
      ConstVec<T> x(logits.data<T>() + r * cols, cols);
      ConstVec<T> z(labels.data<T>() + r * cols, cols);
      Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> b(back + r * cols, cols);
      const T m = cols ? x.maxCoeff() : T(0);
      b = (x - m).exp();
      const T sum = b.sum();
      const T log_sum = std::log(sum);
      // -sum(z * (x - m - log_sum))
      loss[r] = -(z * (x - m - log_sum)).sum();
      b = b / sum - z;
    }
  }
};

template <typename T>
struct SigmoidCrossEntropy {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    if (c.input(1).shape() != x.shape())
      throw ShapeError("SigmoidCrossEntropy (node '" + c.node.name + "'): labels " +
                       c.input(1).shape().ToString() + " do not match logits " +
                       x.shape().ToString());
    auto X = Flat<T>(x);
    auto Z = Flat<T>(c.input(1));
    Flat<T>(c.output(0)) = X.max(T(0)) - X * Z + (-X.abs()).exp().log1p();
  }
};

const bool registered = [] {
  RegisterFloatKernels<Softmax>("Softmax");
  RegisterFloatKernels<LogSoftmax>("LogSoftmax");
  RegisterFloatKernels<SoftmaxCrossEntropy>("SoftmaxCrossEntropy");
  RegisterFloatKernels<SigmoidCrossEntropy>("SigmoidCrossEntropy");
  return true;
}();

}  // namespace
}  // namespace kiln::cpu

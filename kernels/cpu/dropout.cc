// Dropout: a per-step mask (of noise_shape, broadcast over x); RandomNormalLike: the noise of
// GaussianNoise and GaussianDropout. Both draw from std::mt19937_64 seeded by the state input,
// which is then advanced.
#include <random>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T>
struct Dropout {
  static void Run(KernelContext& c) {
    Tensor state_var = c.written_input(0);
    int64_t* state = state_var.data<int64_t>();
    std::mt19937_64 gen(static_cast<uint64_t>(*state));
    ++*state;
    const double rate = c.attrs().Get<double>("rate");
    const T keep_scale = static_cast<T>(1.0 / (1.0 - rate));
    std::uniform_real_distribution<double> u(0.0, 1.0);
    T* mask = c.output(1).data<T>();
    for (int64_t i = 0; i < c.output(1).num_elements(); ++i)
      mask[i] = u(gen) >= rate ? keep_scale : T(0);
    Tensor y = c.output(0);  // the mask has noise_shape: it broadcasts over x
    BroadcastBinary<T, T>(c.input(1), c.output(1), y, [](T a, T b) { return a * b; });
  }
};

template <typename T>
void RandomNormalLike(KernelContext& c) {
  Tensor state_var = c.written_input(0);
  int64_t* state = state_var.data<int64_t>();
  std::mt19937_64 gen(static_cast<uint64_t>(*state));
  ++*state;
  std::normal_distribution<double> normal(c.attrs().Get<double>("mean"),
                                          c.attrs().Get<double>("stddev"));
  T* y = c.output(0).data<T>();
  for (int64_t i = 0; i < c.output(0).num_elements(); ++i) y[i] = static_cast<T>(normal(gen));
}

const bool registered = [] {
  KernelRegistry::Global().Register({"Dropout", "cpu", kInt64, [](KernelContext& c) {
                                       if (c.input(1).dtype() == kFloat64)
                                         Dropout<double>::Run(c);
                                       else
                                         Dropout<float>::Run(c);
                                     }});
  KernelRegistry::Global().Register({"RandomNormalLike", "cpu", kInt64, [](KernelContext& c) {
                                       if (c.input(1).dtype() == kFloat64)
                                         RandomNormalLike<double>(c);
                                       else
                                         RandomNormalLike<float>(c);
                                     }});
  return true;
}();

}  // namespace
}  // namespace kiln::cpu

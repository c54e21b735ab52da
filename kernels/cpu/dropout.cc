// Dropout: a per-step mask from std::mt19937_64 seeded by the state input, which is then advanced.
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
    Flat<T>(c.output(0)) = Flat<T>(c.input(1)) * Flat<T>(c.output(1));
  }
};

const bool registered = [] {
  KernelRegistry::Global().Register({"Dropout", "cpu", kInt64, [](KernelContext& c) {
                                       if (c.input(1).dtype() == kFloat64)
                                         Dropout<double>::Run(c);
                                       else
                                         Dropout<float>::Run(c);
                                     }});
  return true;
}();

}  // namespace
}  // namespace kiln::cpu

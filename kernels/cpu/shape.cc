// Layout kernels: Reshape and ReshapeLike are views of their input; Transpose copies.
#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T>
struct Transpose {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    Tensor& out = c.output(0);
    const auto& perm = c.attrs().Get<std::vector<int64_t>>("perm");
    // Input strides, permuted into output order.
    std::vector<int64_t> in_strides(x.rank());
    int64_t stride = 1;
    for (int d = x.rank() - 1; d >= 0; --d) {
      in_strides[d] = stride;
      stride *= x.dim(d);
    }
    std::vector<int64_t> s(x.rank());
    for (int d = 0; d < x.rank(); ++d) s[d] = in_strides[perm[d]];
    const T* px = x.data<T>();
    T* po = out.data<T>();
    std::vector<int64_t> unit(x.rank(), 0);
    ForEachBroadcast(out.shape(), s, unit, [&](int64_t i, int64_t o, int64_t) { po[i] = px[o]; });
  }
};

const bool registered = [] {
  auto& r = KernelRegistry::Global();
  for (DType t : kAllDTypes) {
    r.Register({"Reshape", "cpu", t, nullptr, Binding::kAliasInput0});
    r.Register({"ReshapeLike", "cpu", t, nullptr, Binding::kAliasInput0});
    DispatchDType(t, [&](auto tag) {
      r.Register({"Transpose", "cpu", t, Transpose<decltype(tag)>::Run});
    });
  }
  return true;
}();

}  // namespace
}  // namespace kiln::cpu

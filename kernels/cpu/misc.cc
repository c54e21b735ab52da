// Sources (Placeholder, Variable, Const are bound by the executor, not computed), Cast, OneHot and
// OnesLike.
#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename From>
void CastKernel(KernelContext& c) {
  const From* src = c.input(0).data<From>();
  Tensor& out = c.output(0);
  DispatchDType(out.dtype(), [&](auto tag) {
    using To = decltype(tag);
    To* dst = out.data<To>();
    for (int64_t i = 0; i < out.num_elements(); ++i) dst[i] = static_cast<To>(src[i]);
  });
}

template <typename Index>
void OneHotKernel(KernelContext& c) {
  const Tensor& idx = c.input(0);
  Tensor& out = c.output(0);
  const int64_t depth = c.attrs().Get<int64_t>("depth");
  const double on = c.attrs().Get<double>("on_value"), off = c.attrs().Get<double>("off_value");
  const Index* pi = idx.data<Index>();
  DispatchDType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* po = out.data<T>();
    std::fill(po, po + out.num_elements(), static_cast<T>(off));
    for (int64_t i = 0; i < idx.num_elements(); ++i)
      if (pi[i] >= 0 && pi[i] < depth) po[i * depth + pi[i]] = static_cast<T>(on);
  });
}

template <typename T>
void OnesLikeKernel(KernelContext& c) {
  T* p = c.output(0).data<T>();
  std::fill(p, p + c.output(0).num_elements(), T(1));
}

const bool registered = [] {
  auto& r = KernelRegistry::Global();
  for (DType t : kAllDTypes) {
    r.Register({"Placeholder", "cpu", t, nullptr, Binding::kFeed});
    r.Register({"Variable", "cpu", t, nullptr, Binding::kVariable});
    r.Register({"Const", "cpu", t, nullptr, Binding::kConst});
    DispatchDType(t, [&](auto tag) {
      using T = decltype(tag);
      r.Register({"Cast", "cpu", t, CastKernel<T>});
      r.Register({"OnesLike", "cpu", t, OnesLikeKernel<T>});
    });
  }
  r.Register({"OneHot", "cpu", kInt32, OneHotKernel<int32_t>});
  r.Register({"OneHot", "cpu", kInt64, OneHotKernel<int64_t>});
  return true;
}();

}  // namespace
}  // namespace kiln::cpu

#include "graph/tensor.h"

#include <cstdlib>
#include <sstream>

namespace kiln {
namespace {

class HeapAllocator final : public Allocator {
 public:
  std::shared_ptr<std::byte> Allocate(size_t bytes) override {
    size_t rounded = (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
    if (rounded == 0) rounded = kTensorAlignment;
    void* p = std::aligned_alloc(kTensorAlignment, rounded);
    if (p == nullptr) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
    std::memset(p, 0, rounded);
    return std::shared_ptr<std::byte>(static_cast<std::byte*>(p),
                                      [](std::byte* q) { std::free(q); });
  }
};

}  // namespace

Allocator& DefaultAllocator() {
  static HeapAllocator allocator;
  return allocator;
}

Tensor::Tensor(DType dtype, Shape shape, Allocator* allocator)
    : dtype_(dtype), shape_(std::move(shape)) {
  if (!shape_.IsFullyDefined())
    throw ShapeError("a Tensor needs a fully defined shape, got " + shape_.ToString());
  num_elements_ = shape_.NumElements();
  // Far beyond any real tensor: a corrupt shape, refused before the allocator sees it.
  if (static_cast<double>(num_elements_) * static_cast<double>(DTypeSize(dtype_)) >
      double(int64_t{1} << 40))
    throw ShapeError("a tensor of shape " + shape_.ToString() + " would take over 1 TiB");
  storage_ = (allocator ? *allocator : DefaultAllocator()).Allocate(nbytes());
}

void Tensor::CheckType(DType requested) const {
  if (requested != dtype_)
    throw TypeError("tensor of dtype " + std::string(DTypeName(dtype_)) + " accessed as " +
                    std::string(DTypeName(requested)));
}

Tensor Tensor::Slice(int64_t begin, int64_t end) const {
  if (rank() == 0 || begin < 0 || end < begin || end > shape_[0])
    throw ShapeError("Tensor::Slice(" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") out of range for shape " + shape_.ToString());
  Tensor t = *this;
  int64_t row = shape_[0] == 0 ? 0 : num_elements_ / shape_[0];
  t.offset_ += static_cast<size_t>(begin * row) * DTypeSize(dtype_);
  t.shape_[0] = end - begin;
  t.num_elements_ = (end - begin) * row;
  return t;
}

Tensor Tensor::Reshaped(Shape shape) const {
  if (!shape.IsFullyDefined() || shape.NumElements() != num_elements_)
    throw ShapeError("cannot reshape " + shape_.ToString() + " to " + shape.ToString());
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::View(DType dtype, Shape shape) const {
  if (!shape.IsFullyDefined() ||
      static_cast<size_t>(shape.NumElements()) * DTypeSize(dtype) > nbytes())
    throw ShapeError("cannot view " + std::to_string(nbytes()) + " bytes as " +
                     std::string(DTypeName(dtype)) + shape.ToString());
  Tensor t = *this;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.num_elements_ = t.shape_.NumElements();
  return t;
}

Tensor Tensor::Clone() const {
  Tensor t(dtype_, shape_);
  if (nbytes()) std::memcpy(t.raw(), raw(), nbytes());
  return t;
}

void Tensor::CopyFrom(const Tensor& src) {
  if (src.dtype_ != dtype_ || src.num_elements_ != num_elements_)
    throw ShapeError("CopyFrom: " + std::string(DTypeName(src.dtype_)) + src.shape_.ToString() +
                     " into " + std::string(DTypeName(dtype_)) + shape_.ToString());
  if (nbytes()) std::memmove(raw(), src.raw(), nbytes());
}

Tensor Tensor::astype(DType dtype) const {
  Tensor out(dtype, shape_);
  DispatchDType(dtype_, [&](auto from_tag) {
    using From = decltype(from_tag);
    const From* src = data<From>();
    DispatchDType(dtype, [&](auto to_tag) {
      using To = decltype(to_tag);
      To* dst = out.data<To>();
      for (int64_t i = 0; i < num_elements_; ++i) dst[i] = static_cast<To>(src[i]);
    });
  });
  return out;
}

bool Tensor::BitwiseEquals(const Tensor& other) const {
  return dtype_ == other.dtype_ && shape_ == other.shape_ &&
         (nbytes() == 0 || std::memcmp(raw(), other.raw(), nbytes()) == 0);
}

std::string Tensor::DebugString(int max_elements) const {
  std::ostringstream os;
  os << DTypeName(dtype_) << shape_.ToString() << " {";
  DispatchDType(dtype_, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < std::min<int64_t>(num_elements_, max_elements); ++i)
      os << (i ? ", " : "") << +data<T>()[i];
  });
  if (num_elements_ > max_elements) os << ", ...";
  os << "}";
  return os.str();
}

namespace {

// Applies f to every element of a floating tensor, in place when its storage is not shared.
template <typename F>
Tensor MapFloating(Tensor t, const char* what, F f) {
  if (!IsFloating(t.dtype()))
    throw TypeError(std::string("operator") + what + " needs a float tensor, got " +
                    std::string(DTypeName(t.dtype())) + "; call astype(kFloat32) first");
  Tensor out = t.UniquelyOwned() ? t : t.Clone();
  DispatchDType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      T* d = out.data<T>();
      for (int64_t i = 0; i < out.num_elements(); ++i) d[i] = f(d[i]);
    }
  });
  return out;
}

}  // namespace

Tensor operator/(Tensor t, double divisor) {
  // Divide (not multiply by the reciprocal) so that x / 255 matches numpy bit for bit.
  return MapFloating(std::move(t), "/", [divisor](auto v) {
    return static_cast<decltype(v)>(v / static_cast<decltype(v)>(divisor));
  });
}
Tensor operator*(Tensor t, double factor) {
  return MapFloating(std::move(t), "*",
                     [factor](auto v) { return static_cast<decltype(v)>(v * factor); });
}

}  // namespace kiln

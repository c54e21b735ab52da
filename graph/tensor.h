// An n-dimensional, row-major array with a dtype. Storage is reference-counted: copying a Tensor
// shares its buffer (like numpy views); Clone() makes a deep copy. Slices along the first dimension
// and reshapes are views, so batching needs no copies.
//
//   kiln::Tensor x = kiln::Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
//   x.data<float>()[4] == 5;  x.Slice(1, 2).shape() == kiln::Shape{1, 3}
//   kiln::Tensor y = x.astype(kiln::kFloat64) / 2.0;   // a new tensor
//
// Contract: shapes are fully defined; data<T>() throws kiln::TypeError when T is not the dtype.
#pragma once

#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "graph/allocator.h"
#include "graph/dtype.h"
#include "graph/error.h"
#include "graph/shape.h"

namespace kiln {

class Tensor {
 public:
  Tensor() = default;  // an empty handle: !valid()
  Tensor(DType dtype, Shape shape, Allocator* allocator = nullptr);

  template <typename T>
  static Tensor FromVector(std::span<const T> values, Shape shape) {
    Tensor t(DTypeOf<T>(), std::move(shape));
    if (static_cast<int64_t>(values.size()) != t.num_elements())
      throw ShapeError("Tensor::FromVector: " + std::to_string(values.size()) +
                       " values do not fill shape " + t.shape().ToString());
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
  }
  template <typename T>
  static Tensor FromVector(const std::vector<T>& values, Shape shape) {
    return FromVector<T>(std::span<const T>(values), std::move(shape));
  }
  template <typename T>
  static Tensor FromVector(std::initializer_list<T> values, Shape shape) {
    return FromVector<T>(std::span<const T>(values.begin(), values.size()), std::move(shape));
  }
  template <typename T>
  static Tensor Scalar(T v) {
    return FromVector<T>(std::span<const T>(&v, 1), Shape{});
  }

  bool valid() const { return storage_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t dim(int i) const { return shape_.dim(i); }
  int64_t num_elements() const { return num_elements_; }
  size_t nbytes() const { return static_cast<size_t>(num_elements_) * DTypeSize(dtype_); }

  template <typename T>
  T* data() {
    CheckType(DTypeOf<T>());
    return reinterpret_cast<T*>(raw());
  }
  template <typename T>
  const T* data() const {
    CheckType(DTypeOf<T>());
    return reinterpret_cast<const T*>(raw());
  }
  template <typename T>
  std::span<const T> values() const {
    return {data<T>(), static_cast<size_t>(num_elements_)};
  }
  template <typename T>
  std::vector<T> ToVector() const {
    auto v = values<T>();
    return {v.begin(), v.end()};
  }
  // The single element of a one-element tensor, converted to T.
  template <typename T>
  T item() const {
    if (num_elements_ != 1)
      throw ShapeError("Tensor::item on a tensor of shape " + shape_.ToString());
    return DispatchDType(dtype_, [&](auto tag) {
      return static_cast<T>(*reinterpret_cast<const decltype(tag)*>(raw()));
    });
  }

  void* raw() { return storage_.get() + offset_; }
  const void* raw() const { return storage_.get() + offset_; }

  // Rows [begin, end) of the first dimension, sharing storage.
  Tensor Slice(int64_t begin, int64_t end) const;
  // The same elements under another shape, sharing storage.
  Tensor Reshaped(Shape shape) const;
  // This tensor's memory seen as another dtype and shape of at most as many bytes (buffer reuse).
  Tensor View(DType dtype, Shape shape) const;
  Tensor Clone() const;
  Tensor astype(DType dtype) const;
  bool SharesStorageWith(const Tensor& other) const { return storage_ == other.storage_; }
  // No other Tensor (view or copy) shares this one's storage.
  bool UniquelyOwned() const { return storage_.use_count() == 1; }
  // Copies the elements of `src` (same dtype and element count) into this tensor's buffer.
  void CopyFrom(const Tensor& src);
  // Bitwise equality of dtype, shape and bytes.
  bool BitwiseEquals(const Tensor& other) const;
  std::string DebugString(int max_elements = 16) const;

 private:
  void CheckType(DType requested) const;

  std::shared_ptr<std::byte> storage_;
  size_t offset_ = 0;
  DType dtype_ = kFloat32;
  Shape shape_;
  int64_t num_elements_ = 0;
};

// Elementwise scaling of a floating tensor by a scalar, for data preparation (x / 255.f). The
// result is a new tensor, except that a temporary whose storage nobody else shares is scaled in
// place (x.astype(kFloat32) / 255.0 then needs no second copy of the data).
Tensor operator/(Tensor t, double divisor);
Tensor operator*(Tensor t, double factor);

}  // namespace kiln

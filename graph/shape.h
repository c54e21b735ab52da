// Static shapes. A dimension is a size >= 0 or kUnknownDim (-1), used for the batch dimension of a
// graph built before the batch size is known. Every unknown dimension of one graph is that batch
// dimension, so two shapes equal with unknowns are equal at run time. Shapes print as "[?,784]".
//
//   kiln::Shape s{kiln::kUnknownDim, 784};
//   s.rank() == 2; s.IsFullyDefined() == false; s.ToString() == "[?,784]"
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kiln {

inline constexpr int64_t kUnknownDim = -1;

class Shape {
 public:
  Shape() = default;  // a scalar
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  explicit Shape(std::span<const int64_t> dims) : dims_(dims.begin(), dims.end()) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t operator[](int i) const { return dims_[i]; }
  int64_t& operator[](int i) { return dims_[i]; }
  // Negative i counts from the end, as in numpy.
  int64_t dim(int i) const { return dims_[i < 0 ? i + rank() : i]; }
  const std::vector<int64_t>& dims() const { return dims_; }

  bool IsFullyDefined() const;
  // Product of the dimensions; 1 for a scalar. Throws ShapeError for an unknown dimension or when
  // CheckedNumElements refuses the shape.
  int64_t NumElements() const;
  // True when `other` could be the same shape once unknown dimensions are known.
  bool IsCompatibleWith(const Shape& other) const;
  std::string ToString() const;

  friend bool operator==(const Shape&, const Shape&) = default;

 private:
  std::vector<int64_t> dims_;
};

// The number of elements of `dims`, or nullopt when a dimension is negative or the product of the
// nonzero dimensions does not fit in int64. Use it wherever dimensions come from outside (a file,
// a config) before anything multiplies them. A zero dimension does not rescue a shape whose other
// dimensions overflow: its strides and the partial products kernels compute would still overflow
// (numpy refuses such shapes too).
std::optional<int64_t> CheckedNumElements(std::span<const int64_t> dims);

}  // namespace kiln

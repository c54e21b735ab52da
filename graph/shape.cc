#include "graph/shape.h"

#include "graph/dtype.h"
#include "graph/error.h"

namespace kiln {

bool Shape::IsFullyDefined() const {
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

int64_t Shape::NumElements() const {
  if (!IsFullyDefined())
    throw ShapeError("NumElements of a shape with unknown dimensions: " + ToString());
  const std::optional<int64_t> n = CheckedNumElements(dims_);
  if (!n) throw ShapeError("the number of elements of shape " + ToString() + " overflows int64");
  return *n;
}

std::optional<int64_t> CheckedNumElements(std::span<const int64_t> dims) {
  int64_t nonzero = 1;
  bool any_zero = false;
  for (int64_t d : dims) {
    if (d < 0) return std::nullopt;
    if (d == 0) {
      any_zero = true;
      continue;
    }
    if (__builtin_mul_overflow(nonzero, d, &nonzero)) return std::nullopt;
  }
  return any_zero ? 0 : nonzero;
}

bool Shape::IsCompatibleWith(const Shape& other) const {
  if (rank() != other.rank()) return false;
  for (int i = 0; i < rank(); ++i)
    if (dims_[i] >= 0 && other.dims_[i] >= 0 && dims_[i] != other.dims_[i]) return false;
  return true;
}

std::string Shape::ToString() const {
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ",";
    s += dims_[i] < 0 ? "?" : std::to_string(dims_[i]);
  }
  return s + "]";
}

DType DTypeFromName(std::string_view name) {
  for (DType t : kAllDTypes)
    if (DTypeName(t) == name) return t;
  throw NotFoundError("unknown dtype '" + std::string(name) + "'");
}

}  // namespace kiln

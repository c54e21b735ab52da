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
  int64_t n = 1;
  for (int64_t d : dims_) {
    if (d < 0) throw ShapeError("NumElements of a shape with unknown dimensions: " + ToString());
    n *= d;
  }
  return n;
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

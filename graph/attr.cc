#include "graph/attr.h"

#include <sstream>

namespace kiln {

std::string_view AttrTypeName(AttrType t) {
  switch (t) {
    case AttrType::kBool:
      return "bool";
    case AttrType::kInt:
      return "int";
    case AttrType::kFloat:
      return "float";
    case AttrType::kString:
      return "string";
    case AttrType::kInts:
      return "int list";
    case AttrType::kDType:
      return "dtype";
    case AttrType::kTensor:
      return "tensor";
  }
  return "?";
}

std::string AttrToString(const AttrValue& v) {
  std::ostringstream os;
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, bool>)
          os << (x ? "true" : "false");
        else if constexpr (std::is_same_v<X, std::vector<int64_t>>) {
          os << "[";
          for (size_t i = 0; i < x.size(); ++i) os << (i ? "," : "") << x[i];
          os << "]";
        } else if constexpr (std::is_same_v<X, DType>)
          os << DTypeName(x);
        else if constexpr (std::is_same_v<X, Tensor>)
          os << DTypeName(x.dtype()) << x.shape().ToString();
        else
          os << x;
      },
      v);
  return os.str();
}

bool operator==(const AttrMap& a, const AttrMap& b) {
  if (a.map_.size() != b.map_.size()) return false;
  for (auto ia = a.map_.begin(), ib = b.map_.begin(); ia != a.map_.end(); ++ia, ++ib) {
    if (ia->first != ib->first || ia->second.index() != ib->second.index()) return false;
    bool same = std::visit(
        [&](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          const X& y = std::get<X>(ib->second);
          if constexpr (std::is_same_v<X, Tensor>)
            return x.BitwiseEquals(y);
          else
            return x == y;
        },
        ia->second);
    if (!same) return false;
  }
  return true;
}

}  // namespace kiln

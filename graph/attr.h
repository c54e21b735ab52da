// Typed node attributes: bool, int, float, string, int list, dtype or tensor, by name.
//
//   kiln::AttrMap a{{"transpose_a", true}, {"axes", std::vector<int64_t>{0}}};
//   a.Get<bool>("transpose_a");  a.GetOr<int64_t>("axis", -1);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "graph/dtype.h"
#include "graph/error.h"
#include "graph/tensor.h"

namespace kiln {

using AttrValue =
    std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, DType, Tensor>;

enum class AttrType { kBool, kInt, kFloat, kString, kInts, kDType, kTensor };
std::string_view AttrTypeName(AttrType t);
inline AttrType TypeOf(const AttrValue& v) { return static_cast<AttrType>(v.index()); }
std::string AttrToString(const AttrValue& v);

class AttrMap {
 public:
  AttrMap() = default;
  AttrMap(std::initializer_list<std::pair<const std::string, AttrValue>> init) : map_(init) {}

  bool Has(const std::string& name) const { return map_.count(name) > 0; }
  void Set(const std::string& name, AttrValue v) { map_[name] = std::move(v); }
  template <typename T>
  const T& Get(const std::string& name) const {
    auto it = map_.find(name);
    if (it == map_.end()) throw NotFoundError("missing attribute '" + name + "'");
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    throw TypeError("attribute '" + name + "' has type " +
                    std::string(AttrTypeName(TypeOf(it->second))));
  }
  template <typename T>
  T GetOr(const std::string& name, T fallback) const {
    return Has(name) ? Get<T>(name) : fallback;
  }
  const std::map<std::string, AttrValue>& items() const { return map_; }
  friend bool operator==(const AttrMap& a, const AttrMap& b);

 private:
  std::map<std::string, AttrValue> map_;
};

}  // namespace kiln

// Reading one scalar option of a Keras layer config, for the layer factories.
//
//   std::string interpolation = "nearest";
//   config::Read(c, "interpolation", interpolation, where, unsupported);
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

namespace kiln::keras::config {

// `key`'s value into `out` when present and not null (null is how Keras writes a default);
// records "<where>: <key> <value>" and leaves `out` alone when the value has another type.
template <typename T>
void Read(const nlohmann::json& c, const char* key, T& out, const std::string& where,
          std::vector<std::string>& unsupported) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return;
  bool ok = false;
  if constexpr (std::is_same_v<T, bool>)
    ok = it->is_boolean();
  else if constexpr (std::is_same_v<T, std::string>)
    ok = it->is_string();
  else if constexpr (std::is_integral_v<T>)
    ok = it->is_number_integer();
  else
    ok = it->is_number();
  if (ok)
    out = it->get<T>();
  else
    unsupported.push_back(where + ": " + key + " " + it->dump());
}

}  // namespace kiln::keras::config

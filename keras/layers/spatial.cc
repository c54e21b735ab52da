#include "keras/layers/spatial.h"

#include <algorithm>

#include "graph/error.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

int64_t SpatialOutSize(int64_t in, int64_t window, int64_t stride, int64_t dilation, bool same) {
  if (in < 0) return kUnknownDim;
  const int64_t span = (window - 1) * dilation + 1;
  return same ? (in + stride - 1) / stride : (in >= span ? (in - span) / stride + 1 : 0);
}

void CheckPositivePair(const std::string& where, const char* what, const std::vector<int64_t>& v) {
  if (v.size() != 2 || v[0] <= 0 || v[1] <= 0)
    throw ValueError(where + ": " + what + " must be two positive integers");
}

void CheckPadding(const std::string& where, const std::string& padding) {
  if (padding != "valid" && padding != "same")
    throw ValueError(where + ": padding must be 'valid' or 'same', got '" + padding + "'");
}

void CheckDataFormat(const std::string& where, const std::string& data_format) {
  if (data_format != "channels_last" && data_format != "channels_first")
    throw ValueError(where + ": data_format must be 'channels_last' or 'channels_first', got '" +
                     data_format + "'");
}

ValueRef ToNhwc(GraphBuilder& b, ValueRef x, bool channels_first) {
  return channels_first ? b.Op("Transpose", {x}, {{"perm", std::vector<int64_t>{0, 2, 3, 1}}}) : x;
}

ValueRef FromNhwc(GraphBuilder& b, ValueRef y, bool channels_first) {
  return channels_first ? b.Op("Transpose", {y}, {{"perm", std::vector<int64_t>{0, 3, 1, 2}}}) : y;
}

}  // namespace kiln::keras::layers

namespace kiln::keras::config {
std::vector<int64_t> IntPair(const nlohmann::json& c, const char* key,
                             std::vector<int64_t> fallback) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return fallback;
  if (it->is_number_integer()) return {it->get<int64_t>(), it->get<int64_t>()};
  if (it->is_array() && it->size() == 2 && (*it)[0].is_number_integer() &&
      (*it)[1].is_number_integer())
    return it->get<std::vector<int64_t>>();
  return {};
}

bool WithinMaxSize(std::initializer_list<std::vector<int64_t>> options) {
  return std::all_of(options.begin(), options.end(), [](const std::vector<int64_t>& v) {
    return std::all_of(v.begin(), v.end(), [](int64_t x) { return x <= kMaxSize; });
  });
}
}  // namespace kiln::keras::config

#include "keras/layers/spatial.h"

#include <algorithm>

#include "graph/error.h"
#include "keras/layers/layer.h"
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

ValueRef GroupedConv2D(GraphBuilder& b, ValueRef x, ValueRef kernel, const AttrMap& attrs,
                       int64_t groups) {
  if (groups == 1) return b.Op("Conv2D", {x, kernel}, attrs);
  const int64_t in = b.type(x).shape[3] / groups, out = b.type(kernel).shape[3] / groups;
  std::vector<ValueRef> parts;
  for (int64_t g = 0; g < groups; ++g) {
    auto slice = [&](ValueRef v, int64_t size) {
      return b.Op("Slice", {v}, {{"axis", int64_t{3}}, {"begin", g * size}, {"size", size}});
    };
    parts.push_back(b.Op("Conv2D", {slice(x, in), slice(kernel, out)}, attrs));
  }
  return b.Op("Concat", parts, {{"axis", int64_t{3}}});
}

ValueRef SequenceToNhwc(GraphBuilder& b, ValueRef x, bool channels_first,
                        const std::string& where) {
  if (channels_first) x = b.Op("Transpose", {x}, {{"perm", std::vector<int64_t>{0, 2, 1}}});
  const Shape& s = b.type(x).shape;
  if (s.rank() != 3 || s[1] < 0 || s[2] < 0)
    throw ValueError(where +
                     ": expected a (batch, steps, channels) input with known steps and "
                     "channels, got " +
                     KerasShapeString(s));
  return b.Op("Reshape", {x}, {{"shape", std::vector<int64_t>{-1, 1, s[1], s[2]}}});
}

ValueRef NhwcToSequence(GraphBuilder& b, ValueRef y, bool channels_first) {
  const Shape& s = b.type(y).shape;
  y = b.Op("Reshape", {y}, {{"shape", std::vector<int64_t>{-1, s[2], s[3]}}});
  return channels_first ? b.Op("Transpose", {y}, {{"perm", std::vector<int64_t>{0, 2, 1}}}) : y;
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

std::optional<int64_t> OneInt(const nlohmann::json& c, const char* key) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_array() && it->size() == 1 && (*it)[0].is_number_integer())
    return (*it)[0].get<int64_t>();
  return int64_t{0};
}

bool PairOfPairs(const nlohmann::json& p, std::array<std::array<int64_t, 2>, 2>& out) {
  if (p.is_number_integer()) {
    const int64_t v = p.get<int64_t>();
    out = {{{v, v}, {v, v}}};
    return true;
  }
  if (!p.is_array() || p.size() != 2) return false;
  for (int d = 0; d < 2; ++d) {
    if (p[d].is_number_integer()) {
      out[d] = {p[d].get<int64_t>(), p[d].get<int64_t>()};
    } else if (p[d].is_array() && p[d].size() == 2 && p[d][0].is_number_integer() &&
               p[d][1].is_number_integer()) {
      out[d] = {p[d][0].get<int64_t>(), p[d][1].get<int64_t>()};
    } else {
      return false;
    }
  }
  return true;
}

bool WithinMaxSize(std::initializer_list<std::vector<int64_t>> options) {
  return std::all_of(options.begin(), options.end(), [](const std::vector<int64_t>& v) {
    return std::all_of(v.begin(), v.end(), [](int64_t x) { return x <= kMaxSize; });
  });
}
}  // namespace kiln::keras::config

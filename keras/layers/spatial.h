// What the image layers share: Keras's window arithmetic, option checks, the NHWC round trip for
// channels_first data, and reading a config's int-or-pair options.
//
//   const int64_t oh = SpatialOutSize(in[1], /*window=*/3, /*stride=*/2, /*dilation=*/1, same);
//   x = ToNhwc(b, x, channels_first);  ...  y = FromNhwc(b, y, channels_first);
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph_builder.h"

namespace kiln::keras::layers {

// Output length of a window of `window` taps `dilation` apart moving by `stride` (Keras's
// conv_output_length); kUnknownDim stays unknown; 0 when the window does not fit.
int64_t SpatialOutSize(int64_t in, int64_t window, int64_t stride, int64_t dilation, bool same);

// Each throws kiln::ValueError "<where>: <what> must be ...".
void CheckPositivePair(const std::string& where, const char* what, const std::vector<int64_t>& v);
void CheckPadding(const std::string& where, const std::string& padding);
void CheckDataFormat(const std::string& where, const std::string& data_format);

// The NHWC kernels' layout, from and back to channels_first (no-ops for channels_last).
ValueRef ToNhwc(GraphBuilder& b, ValueRef x, bool channels_first);
ValueRef FromNhwc(GraphBuilder& b, ValueRef y, bool channels_first);
// Conv2D of NHWC x with kernel (kh, kw, in / groups, filters): input channel group g feeds only
// filter group g (one Conv2D op per group, concatenated).
ValueRef GroupedConv2D(GraphBuilder& b, ValueRef x, ValueRef kernel, const AttrMap& attrs,
                       int64_t groups);
// A sequence (batch, steps, channels) as a one-row NHWC image (batch, 1, steps, channels), so
// that the 1D layers run on the 2D kernels; throws kiln::ValueError naming `where` when the steps
// or channels are unknown. NhwcToSequence undoes it.
ValueRef SequenceToNhwc(GraphBuilder& b, ValueRef x, bool channels_first, const std::string& where);
ValueRef NhwcToSequence(GraphBuilder& b, ValueRef y, bool channels_first);

}  // namespace kiln::keras::layers

namespace kiln::keras::config {
// An option Keras writes as an int or a list of two ints; `fallback` when absent or null, empty
// when malformed (the caller reports it).
std::vector<int64_t> IntPair(const nlohmann::json& c, const char* key,
                             std::vector<int64_t> fallback);
// An option Keras writes as [n] (the 1D layers' tuples) or n; nullopt when absent or null, 0
// when malformed (the constructors refuse non-positive sizes).
std::optional<int64_t> OneInt(const nlohmann::json& c, const char* key);
// ZeroPadding2D's padding and Cropping2D's cropping: Keras accepts an int, (symmetric_h,
// symmetric_w) or ((top, bottom), (left, right)) and saves the last form; false when malformed.
bool PairOfPairs(const nlohmann::json& p, std::array<std::array<int64_t, 2>, 2>& out);
// Whether every size option is at most kMaxSize (layer_registry.h).
bool WithinMaxSize(std::initializer_list<std::vector<int64_t>> options);
}  // namespace kiln::keras::config

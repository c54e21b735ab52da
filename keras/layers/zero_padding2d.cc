#include "keras/layers/zero_padding2d.h"

#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

ZeroPadding2D::ZeroPadding2D(ZeroPadding2DOptions options) : o_(std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "ZeroPadding2D '" + name_ + "'";
  for (const auto& side : o_.padding)
    for (int64_t p : side)
      if (p < 0 || p > config::kMaxSize)
        throw ValueError(where + ": padding must be between 0 and " +
                         std::to_string(config::kMaxSize) + ", got " + std::to_string(p));
  CheckDataFormat(where, o_.data_format);
}

Shape ZeroPadding2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  std::vector<int64_t> out = in.dims();
  const int ih = channels_first() ? 2 : 1;
  for (int d = 0; d < 2; ++d)
    if (out[ih + d] >= 0) out[ih + d] += o_.padding[d][0] + o_.padding[d][1];
  return Shape(out);
}

ValueRef ZeroPadding2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  const auto& [h, w] = o_.padding;
  const std::vector<int64_t> paddings =
      channels_first() ? std::vector<int64_t>{0, 0, 0, 0, h[0], h[1], w[0], w[1]}
                       : std::vector<int64_t>{0, 0, h[0], h[1], w[0], w[1], 0, 0};
  return b.Op("Pad", {x}, {{"paddings", paddings}});
}

nlohmann::json ZeroPadding2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["padding"] = o_.padding;
  c["data_format"] = o_.data_format;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "ZeroPadding2D '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  ZeroPadding2DOptions o;
  if (c.contains("padding") && !config::PairOfPairs(c["padding"], o.padding))
    unsupported.push_back(where + ": padding must be an int, two ints or two pairs of ints");
  o.data_format = c.value("data_format", "channels_last");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (!unsupported.empty()) return nullptr;
  try {
    return std::make_shared<ZeroPadding2D>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("ZeroPadding2D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

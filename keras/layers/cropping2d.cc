#include "keras/layers/cropping2d.h"

#include "keras/layers/config_values.h"
#include "keras/layers/image_resize.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

namespace {
std::string CroppingString(const std::array<std::array<int64_t, 2>, 2>& c) {
  return "((" + std::to_string(c[0][0]) + ", " + std::to_string(c[0][1]) + "), (" +
         std::to_string(c[1][0]) + ", " + std::to_string(c[1][1]) + "))";
}
}  // namespace

Cropping2D::Cropping2D(Cropping2DOptions options) : o_(std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "Cropping2D '" + name_ + "'";
  for (const auto& side : o_.cropping)
    for (int64_t c : side)
      if (c < 0 || c > config::kMaxSize)
        throw ValueError(where + ": cropping must be between 0 and " +
                         std::to_string(config::kMaxSize) + ", got " + std::to_string(c));
  CheckDataFormat(where, o_.data_format);
}

Shape Cropping2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  std::vector<int64_t> out = in.dims();
  const int ih = channels_first() ? 2 : 1;
  for (int d = 0; d < 2; ++d) {
    if (out[ih + d] < 0) continue;
    // Keras refuses an empty result as well as a negative one.
    if (o_.cropping[d][0] + o_.cropping[d][1] >= out[ih + d])
      ShapeFail(
          "values in `cropping` argument should be smaller than the corresponding spatial "
          "dimension of the input. Received: input_shape=" +
          KerasShapeString(in) + ", cropping=" + CroppingString(o_.cropping));
    out[ih + d] -= o_.cropping[d][0] + o_.cropping[d][1];
  }
  return Shape(out);
}

ValueRef Cropping2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  const Shape in = b.type(x).shape;
  const Shape out = ComputeOutputShape(in);
  const int ih = channels_first() ? 2 : 1;
  if (in[ih] < 0 || in[ih + 1] < 0)
    ShapeFail("needs the input's height and width to be known, got " + KerasShapeString(in));
  return CropImages(b, x, {o_.cropping[0][0], out[ih], o_.cropping[1][0], out[ih + 1]},
                    channels_first());
}

nlohmann::json Cropping2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["cropping"] = o_.cropping;
  c["data_format"] = o_.data_format;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Cropping2D '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  Cropping2DOptions o;
  if (c.contains("cropping") && !config::PairOfPairs(c["cropping"], o.cropping))
    unsupported.push_back(where + ": cropping must be an int, two ints or two pairs of ints, got " +
                          c["cropping"].dump());
  config::Read(c, "data_format", o.data_format, where, unsupported);
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (!unsupported.empty()) return nullptr;
  try {
    return std::make_shared<Cropping2D>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("Cropping2D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/up_sampling2d.h"

#include "keras/layers/config_values.h"
#include "keras/layers/image_resize.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

UpSampling2D::UpSampling2D(UpSampling2DOptions options) : o_(std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "UpSampling2D '" + name_ + "'";
  CheckPositivePair(where, "size", o_.size);
  if (!config::WithinMaxSize({o_.size}))
    throw ValueError(where + ": size must be at most " + std::to_string(config::kMaxSize));
  CheckDataFormat(where, o_.data_format);
  CheckInterpolation(where, o_.interpolation);
}

UpSampling2D::UpSampling2D(int64_t size, UpSampling2DOptions options)
    : UpSampling2D((options.size = size, std::move(options))) {}

Shape UpSampling2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  std::vector<int64_t> out = in.dims();
  const int ih = channels_first() ? 2 : 1;
  for (int d = 0; d < 2; ++d)
    if (out[ih + d] >= 0) {
      if (out[ih + d] > config::kMaxSize / o_.size[d])
        ShapeFail("output too large for input " + KerasShapeString(in));
      out[ih + d] *= o_.size[d];
    }
  return Shape(out);
}

ValueRef UpSampling2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  const Shape in = b.type(x).shape;
  const Shape out = ComputeOutputShape(in);
  const int ih = channels_first() ? 2 : 1;
  if (in[ih] < 0 || in[ih + 1] < 0)
    ShapeFail("needs the input's height and width to be known, got " + KerasShapeString(in));
  return ResizeImages(b, x, out[ih], out[ih + 1], o_.interpolation, channels_first());
}

nlohmann::json UpSampling2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["size"] = o_.size;
  c["data_format"] = o_.data_format;
  c["interpolation"] = o_.interpolation;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "UpSampling2D '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  UpSampling2DOptions o;
  o.size = config::IntPair(c, "size", o.size);
  if (o.size.empty())
    unsupported.push_back(where + ": size must be an int or two ints, got " + c["size"].dump());
  config::Read(c, "data_format", o.data_format, where, unsupported);
  config::Read(c, "interpolation", o.interpolation, where, unsupported);
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (!unsupported.empty()) return nullptr;
  try {
    return std::make_shared<UpSampling2D>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("UpSampling2D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

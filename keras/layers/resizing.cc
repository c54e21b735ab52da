#include "keras/layers/resizing.h"

#include "keras/layers/config_values.h"
#include "keras/layers/image_resize.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

Resizing::Resizing(int64_t height, int64_t width, ResizingOptions options)
    : height_(height), width_(width), o_(std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "Resizing '" + name_ + "'";
  CheckTargetSize(where, height_, width_);
  CheckInterpolation(where, o_.interpolation);
  CheckDataFormat(where, o_.data_format);
}

Shape Resizing::ComputeOutputShape(const Shape& in) const {
  return TargetShape(class_name() + " '" + name_ + "'", in, height_, width_, channels_first());
}

ValueRef Resizing::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  const Shape in = b.type(x).shape;
  ComputeOutputShape(in);
  const int ih = channels_first() ? 2 : 1;
  if (in[ih] < 0 || in[ih + 1] < 0)
    ShapeFail("needs the input's height and width to be known, got " + KerasShapeString(in));
  if (o_.crop_to_aspect_ratio)
    x = CropImages(b, x, AspectRatioCrop(in[ih], in[ih + 1], height_, width_), channels_first());
  return ResizeImages(b, x, height_, width_, o_.interpolation, channels_first());
}

nlohmann::json Resizing::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["height"] = height_;
  c["width"] = width_;
  c["interpolation"] = o_.interpolation;
  c["crop_to_aspect_ratio"] = o_.crop_to_aspect_ratio;
  if (channels_first()) c["data_format"] = o_.data_format;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Resizing '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  int64_t height = 0, width = 0;
  for (const char* key : {"height", "width"})
    if (!c.contains(key) || c[key].is_null())
      unsupported.push_back(where + ": " + key + " missing");
  config::Read(c, "height", height, where, unsupported);
  config::Read(c, "width", width, where, unsupported);
  ResizingOptions o;
  config::Read(c, "interpolation", o.interpolation, where, unsupported);
  config::Read(c, "crop_to_aspect_ratio", o.crop_to_aspect_ratio, where, unsupported);
  bool pad = false, antialias = false;
  config::Read(c, "pad_to_aspect_ratio", pad, where, unsupported);
  config::Read(c, "antialias", antialias, where, unsupported);
  if (pad) unsupported.push_back(where + ": pad_to_aspect_ratio true");
  if (antialias) unsupported.push_back(where + ": antialias true");
  config::Read(c, "data_format", o.data_format, where, unsupported);
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (!unsupported.empty()) return nullptr;
  try {
    return std::make_shared<Resizing>(height, width, o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("Resizing", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

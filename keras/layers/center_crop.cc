#include "keras/layers/center_crop.h"

#include "keras/layers/config_values.h"
#include "keras/layers/image_resize.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

CenterCrop::CenterCrop(int64_t height, int64_t width, CenterCropOptions options)
    : height_(height), width_(width), o_(std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "CenterCrop '" + name_ + "'";
  CheckTargetSize(where, height_, width_);
  CheckDataFormat(where, o_.data_format);
}

Shape CenterCrop::ComputeOutputShape(const Shape& in) const {
  return TargetShape(class_name() + " '" + name_ + "'", in, height_, width_, channels_first());
}

ValueRef CenterCrop::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  const Shape in = b.type(x).shape;
  ComputeOutputShape(in);
  const int ih = channels_first() ? 2 : 1;
  const int64_t in_h = in[ih], in_w = in[ih + 1];
  if (in_h < 0 || in_w < 0)
    ShapeFail("can only process images with a static spatial shape, got " + KerasShapeString(in));
  if (in_h >= height_ && in_w >= width_)
    return CropImages(b, x, {(in_h - height_) / 2, height_, (in_w - width_) / 2, width_},
                      channels_first());
  x = CropImages(b, x, AspectRatioCrop(in_h, in_w, height_, width_), channels_first());
  return ResizeImages(b, x, height_, width_, "bilinear", channels_first());
}

nlohmann::json CenterCrop::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["height"] = height_;
  c["width"] = width_;
  if (channels_first()) c["data_format"] = o_.data_format;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "CenterCrop '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  int64_t height = 0, width = 0;
  for (const char* key : {"height", "width"})
    if (!c.contains(key) || c[key].is_null())
      unsupported.push_back(where + ": " + key + " missing");
  config::Read(c, "height", height, where, unsupported);
  config::Read(c, "width", width, where, unsupported);
  CenterCropOptions o;
  config::Read(c, "data_format", o.data_format, where, unsupported);
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (!unsupported.empty()) return nullptr;
  try {
    return std::make_shared<CenterCrop>(height, width, o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("CenterCrop", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/pooling2d.h"

#include "keras/layers/average_pooling2d.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/max_pooling2d.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

void Pooling2D::Init() {
  InitBase(o_.name, o_.input_shape, 0);
  if (o_.strides.empty()) o_.strides = o_.pool_size;
  const std::string where = class_name() + " '" + name_ + "'";
  CheckPositivePair(where, "pool_size", o_.pool_size);
  CheckPositivePair(where, "strides", o_.strides);
  CheckPadding(where, o_.padding);
  CheckDataFormat(where, o_.data_format);
}

Shape Pooling2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected input of rank 4, got " + KerasShapeString(in));
  const bool same = o_.padding == "same", cf = o_.data_format == "channels_first";
  const int ih = cf ? 2 : 1;
  const int64_t oh = SpatialOutSize(in[ih], o_.pool_size[0], o_.strides[0], 1, same);
  const int64_t ow = SpatialOutSize(in[ih + 1], o_.pool_size[1], o_.strides[1], 1, same);
  if (oh == 0 || ow == 0) ShapeFail("the pool is larger than the input " + KerasShapeString(in));
  return cf ? Shape{in[0], in[1], oh, ow} : Shape{in[0], oh, ow, in[3]};
}

ValueRef Pooling2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  const bool cf = o_.data_format == "channels_first";
  ValueRef y =
      b.Op(op_, {ToNhwc(b, x, cf)},
           {{"pool_size", o_.pool_size}, {"strides", o_.strides}, {"padding", o_.padding}});
  return FromNhwc(b, y, cf);
}

nlohmann::json Pooling2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["pool_size"] = o_.pool_size;
  c["strides"] = o_.strides;
  c["padding"] = o_.padding;
  c["data_format"] = o_.data_format;
  return c;
}

template <typename L>
std::shared_ptr<Layer> Pooling2DFromConfig(const nlohmann::json& c,
                                           std::vector<std::string>& unsupported) {
  const std::string where =
      std::string(std::is_same_v<L, MaxPooling2D> ? "MaxPooling2D" : "AveragePooling2D") + " '" +
      config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  Pooling2DOptions o;
  o.pool_size = config::IntPair(c, "pool_size", o.pool_size);
  o.strides = config::IntPair(c, "strides", o.strides);
  o.padding = c.value("padding", "valid");
  o.data_format = c.value("data_format", "channels_last");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (!config::WithinMaxSize({o.pool_size, o.strides})) {
    unsupported.push_back(where + ": pool_size and strides must be at most " +
                          std::to_string(config::kMaxSize));
    return nullptr;
  }
  try {
    return std::make_shared<L>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}

template std::shared_ptr<Layer> Pooling2DFromConfig<MaxPooling2D>(const nlohmann::json&,
                                                                  std::vector<std::string>&);
template std::shared_ptr<Layer> Pooling2DFromConfig<AveragePooling2D>(const nlohmann::json&,
                                                                      std::vector<std::string>&);

}  // namespace kiln::keras::layers

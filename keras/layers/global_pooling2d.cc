#include "keras/layers/global_pooling2d.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

GlobalPooling2D::GlobalPooling2D(const char* op, const GlobalPooling2DOptions& o)
    : op_(op), channels_first_(o.data_format == "channels_first"), keepdims_(o.keepdims) {
  if (o.data_format != "channels_last" && o.data_format != "channels_first")
    throw ValueError("data_format must be 'channels_last' or 'channels_first', got '" +
                     o.data_format + "'");
}

std::vector<int64_t> GlobalPooling2D::Axes() const {
  return channels_first_ ? std::vector<int64_t>{2, 3} : std::vector<int64_t>{1, 2};
}

Shape GlobalPooling2D::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 4)
    ShapeFail("expected a 4D input (batch, h, w, c), got " + KerasShapeString(in));
  std::vector<int64_t> out = in.dims();
  for (int64_t a : Axes()) {
    if (in[a] == 0) ShapeFail("cannot pool an empty spatial axis: " + KerasShapeString(in));
    out[a] = 1;
  }
  if (!keepdims_) {
    const int64_t c = channels_first_ ? in[1] : in[3];
    return Shape{in[0], c};
  }
  return Shape(out);
}

ValueRef GlobalPooling2D::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  ComputeOutputShape(b.type(x).shape);
  return b.Op(op_, {x}, {{"axes", Axes()}, {"keep_dims", keepdims_}});
}

nlohmann::json GlobalPooling2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["data_format"] = channels_first_ ? "channels_first" : "channels_last";
  c["keepdims"] = keepdims_;
  return c;
}

namespace {
template <typename L>
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where =
      std::string(std::is_same_v<L, GlobalMaxPooling2D> ? "GlobalMaxPooling2D"
                                                        : "GlobalAveragePooling2D") +
      " '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  GlobalPooling2DOptions o{.data_format = c.value("data_format", "channels_last"),
                           .keepdims = c.value("keepdims", false),
                           .input_shape = config::InputShape(c),
                           .name = config::Name(c)};
  if (o.data_format != "channels_last" && o.data_format != "channels_first") {
    unsupported.push_back(where + ": data_format " + o.data_format);
    return nullptr;
  }
  return std::make_shared<L>(o);
}
KILN_REGISTER_LAYER("GlobalAveragePooling2D", FromConfig<GlobalAveragePooling2D>);
KILN_REGISTER_LAYER("GlobalMaxPooling2D", FromConfig<GlobalMaxPooling2D>);
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/global_pooling.h"

#include "keras/layers/global_pooling1d.h"
#include "keras/layers/global_pooling2d.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/masking.h"

namespace kiln::keras::layers {

GlobalPooling::GlobalPooling(const char* op, int spatial_rank, const GlobalPoolingOptions& o)
    : op_(op),
      spatial_rank_(spatial_rank),
      channels_first_(o.data_format == "channels_first"),
      keepdims_(o.keepdims) {
  if (o.data_format != "channels_last" && o.data_format != "channels_first")
    throw ValueError("data_format must be 'channels_last' or 'channels_first', got '" +
                     o.data_format + "'");
}

std::vector<int64_t> GlobalPooling::Axes() const {
  std::vector<int64_t> axes;
  for (int i = 0; i < spatial_rank_; ++i) axes.push_back(i + (channels_first_ ? 2 : 1));
  return axes;
}

Shape GlobalPooling::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != spatial_rank_ + 2)
    ShapeFail("expected a " + std::to_string(spatial_rank_ + 2) + "D input (batch, " +
              (spatial_rank_ == 1 ? "steps" : "h, w") + ", channels), got " + KerasShapeString(in));
  std::vector<int64_t> out = in.dims();
  for (int64_t a : Axes()) {
    if (in[a] == 0) ShapeFail("cannot pool an empty spatial axis: " + KerasShapeString(in));
    out[a] = 1;
  }
  if (!keepdims_) return Shape{in[0], channels_first_ ? in[1] : in[in.rank() - 1]};
  return Shape(out);
}

ValueRef GlobalPooling::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  const Shape s = b.type(x).shape;
  ComputeOutputShape(s);
  const ValueRef mask = ctx.masks.empty() ? ValueRef{} : ctx.masks[0];
  if (!mask.valid() || spatial_rank_ != 1 || std::string(op_) != "ReduceMean")
    return b.Op(op_, {x}, {{"axes", Axes()}, {"keep_dims", keepdims_}});
  // Keras's masked average: the sum over kept steps over their number (0 / 0 for a row with
  // none, NaN there as in Keras).
  const int steps_axis = channels_first_ ? 2 : 1;
  if (s[steps_axis] == kUnknownDim)
    ShapeFail("a masked average needs the steps known, got " + KerasShapeString(s));
  const std::vector<int64_t> shape =
      channels_first_ ? std::vector<int64_t>{-1, 1, s[2]} : std::vector<int64_t>{-1, s[1], 1};
  const ValueRef m = b.Op("Reshape", {MaskAs(b, mask, b.type(x).dtype)}, {{"shape", shape}});
  const AttrMap sum = {{"axes", Axes()}, {"keep_dims", keepdims_}};
  return b.Op("Div", {b.Op("ReduceSum", {b.Op("Mul", {x, m})}, sum), b.Op("ReduceSum", {m}, sum)});
}

nlohmann::json GlobalPooling::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["data_format"] = channels_first_ ? "channels_first" : "channels_last";
  c["keepdims"] = keepdims_;
  return c;
}

namespace {
template <typename L>
std::shared_ptr<Layer> FromConfig(const char* class_name, const nlohmann::json& c,
                                  std::vector<std::string>& unsupported) {
  const std::string where = std::string(class_name) + " '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  GlobalPoolingOptions o{.data_format = c.value("data_format", "channels_last"),
                         .keepdims = c.value("keepdims", false),
                         .input_shape = config::InputShape(c),
                         .name = config::Name(c)};
  if (o.data_format != "channels_last" && o.data_format != "channels_first") {
    unsupported.push_back(where + ": data_format " + o.data_format);
    return nullptr;
  }
  return std::make_shared<L>(o);
}

#define KILN_REGISTER_GLOBAL_POOLING(L)                                              \
  KILN_REGISTER_LAYER(#L, [](const nlohmann::json& c, std::vector<std::string>& u) { \
    return FromConfig<L>(#L, c, u);                                                  \
  })
KILN_REGISTER_GLOBAL_POOLING(GlobalAveragePooling1D);
KILN_REGISTER_GLOBAL_POOLING(GlobalMaxPooling1D);
KILN_REGISTER_GLOBAL_POOLING(GlobalAveragePooling2D);
KILN_REGISTER_GLOBAL_POOLING(GlobalMaxPooling2D);
}  // namespace

}  // namespace kiln::keras::layers

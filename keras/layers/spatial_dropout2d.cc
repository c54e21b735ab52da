#include "keras/layers/spatial_dropout2d.h"

#include "keras/layers/layer_registry.h"
#include "keras/layers/spatial.h"

namespace kiln::keras::layers {

SpatialDropout2D::SpatialDropout2D(double rate, SpatialDropout2DOptions o)
    : Dropout(Derived{}, rate, o.seed), channels_first_(o.data_format == "channels_first") {
  InitBase(o.name, o.input_shape, 0);
  CheckRate();
  CheckDataFormat("SpatialDropout2D '" + name_ + "'", o.data_format);
}

std::vector<int64_t> SpatialDropout2D::NoiseShape(const Shape& in) const {
  if (in.rank() != 4) ShapeFail("expected an input of rank 4, got " + KerasShapeString(in));
  return channels_first_ ? std::vector<int64_t>{kUnknownDim, kUnknownDim, 1, 1}
                         : std::vector<int64_t>{kUnknownDim, 1, 1, kUnknownDim};
}

nlohmann::json SpatialDropout2D::get_config() const {
  nlohmann::json c = Dropout::get_config();
  c["data_format"] = channels_first_ ? "channels_first" : "channels_last";
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "SpatialDropout2D '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  const double rate = c.contains("rate") && c["rate"].is_number() ? c["rate"].get<double>() : -1;
  SpatialDropout2DOptions o{.data_format = c.value("data_format", "channels_last"),
                            .input_shape = config::InputShape(c),
                            .name = config::Name(c)};
  if (c.contains("seed") && c["seed"].is_number_integer()) o.seed = c["seed"].get<uint64_t>();
  if (!(rate >= 0 && rate < 1))
    unsupported.push_back(where + ": rate " + c.value("rate", nlohmann::json()).dump());
  if (o.data_format != "channels_last" && o.data_format != "channels_first")
    unsupported.push_back(where + ": data_format " + o.data_format);
  if (unsupported.size() > refused) return nullptr;
  return std::make_shared<SpatialDropout2D>(rate, o);
}
KILN_REGISTER_LAYER("SpatialDropout2D", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/lstm.h"

#include <algorithm>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

LSTM::LSTM(int64_t units, RNNOptions options) : Recurrent("LSTM", 4, 2, units, std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  CheckOptions();
}

nlohmann::json LSTM::get_config() const {
  nlohmann::json c = Recurrent::get_config();
  c["unit_forget_bias"] = o_.unit_forget_bias;
  return c;
}

Tensor LSTM::InitialBias() const {
  Tensor bias = Recurrent::InitialBias();
  // Keras's unit_forget_bias: the forget gate's block (the second) starts at one.
  if (o_.unit_forget_bias) {
    float* p = bias.data<float>();
    std::fill(p + units_, p + 2 * units_, 1.0f);
  }
  return bias;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "LSTM '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  RNNOptions o = RNNOptionsFromConfig(c, where, unsupported);
  const int64_t units =
      c.contains("units") && c["units"].is_number_integer() ? c["units"].get<int64_t>() : 0;
  if (units <= 0 || units > config::kMaxSize) unsupported.push_back(where + ": units");
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<LSTM>(units, std::move(o));
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("LSTM", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/lstm.h"

#include <algorithm>

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

KILN_REGISTER_LAYER("LSTM", [](const nlohmann::json& c, std::vector<std::string>& unsupported) {
  return RecurrentFromConfig<LSTM>("LSTM", c, unsupported);
});

}  // namespace kiln::keras::layers

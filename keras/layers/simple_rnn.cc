#include "keras/layers/simple_rnn.h"

#include <algorithm>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

SimpleRNN::SimpleRNN(int64_t units, RNNOptions options)
    : Recurrent("SimpleRNN", 1, 1, units, std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  CheckOptions();
}

nlohmann::json SimpleRNN::get_config() const {
  nlohmann::json c = Recurrent::get_config();
  c.erase("recurrent_activation");
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "SimpleRNN '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  RNNOptions o = RNNOptionsFromConfig(c, where, unsupported);
  const int64_t units =
      c.contains("units") && c["units"].is_number_integer() ? c["units"].get<int64_t>() : 0;
  if (units <= 0 || units > config::kMaxSize) unsupported.push_back(where + ": units");
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<SimpleRNN>(units, std::move(o));
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("SimpleRNN", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

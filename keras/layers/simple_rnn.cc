#include "keras/layers/simple_rnn.h"

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

KILN_REGISTER_LAYER("SimpleRNN",
                    [](const nlohmann::json& c, std::vector<std::string>& unsupported) {
                      return RecurrentFromConfig<SimpleRNN>("SimpleRNN", c, unsupported);
                    });

}  // namespace kiln::keras::layers

// libFuzzer target for model_config JSON alone (what every Keras file's architecture goes
// through): any bytes give a model or a kiln::Error, never a crash or unbounded recursion; a model
// that builds predicts once on zeros when small. Seeds: corpus_model_config_fuzzer/, the configs
// of the fixtures (tests/keras/saving/fuzz/write_model_config_seeds.py wrote them).
#include <cstdint>
#include <nlohmann/json.hpp>

#include "keras/keras.h"
#include "keras/model_config.h"
#include "tests/keras/saving/fuzz/predict_on_zeros.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json config = nlohmann::json::parse(data, data + size, nullptr, false);
  if (config.is_discarded()) return 0;
  try {
    auto model = kiln::keras::ModelFromConfig(config);
    model->Build();
    kiln::fuzz::PredictOnZeros(*model);
  } catch (const kiln::Error&) {
  }
  return 0;
}

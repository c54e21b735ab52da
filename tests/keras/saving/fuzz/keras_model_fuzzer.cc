// libFuzzer target for load_model: legacy Keras .h5 (tf.keras, Keras 3, Kiln) and Keras 3 .keras
// archives (the format is detected from the content). Any bytes give a model or a kiln::Error,
// never a crash; a model that loads also predicts once on zeros (when small), so that building
// and lowering see what the loader accepted. Seeds: every Keras fixture.
#include <cstdint>

#include "keras/keras.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/keras/saving/fuzz/predict_on_zeros.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto model = kiln::keras::load_model(kiln::fuzz::AsFile(data, size, ".model"));
    kiln::fuzz::PredictOnZeros(*model);
  } catch (const kiln::Error&) {
  }
  return 0;
}

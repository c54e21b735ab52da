// libFuzzer target for load_weights: Keras 3 .weights.h5 (object paths) and legacy weights-only or
// full-model .h5, into the model of the two-output fixtures (Input 6 -> Dense 8 -> Dense 1 'reg'
// and Dense 3 'cls'). Any bytes load or give a kiln::Error, never a crash, and a failed load leaves
// the weights as they were.
#include <cstdint>
#include <cstdlib>

#include "keras/keras.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

kiln::keras::Model& TwoOutputs() {
  using namespace kiln::keras;
  // Built once per process: the loader under test only writes into it.
  static std::unique_ptr<Model> m = [] {
    KerasTensor x = Input({.shape = {6}, .name = "x"});
    KerasTensor h = layers::Dense(8, {.activation = "relu", .name = "dense"})(x);
    return std::make_unique<Model>(
        ModelOptions{.inputs = {x},
                     .outputs = {layers::Dense(1, {.name = "reg"})(h),
                                 layers::Dense(3, {.activation = "softmax", .name = "cls"})(h)},
                     .name = "two_outputs"});
  }();
  return *m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kiln::keras::Model& m = TwoOutputs();
  const std::vector<kiln::Tensor> before = m.get_weights();
  const std::string& path = kiln::fuzz::AsFile(data, size, ".weights.h5");
  for (bool by_name : {false, true}) {
    const std::vector<kiln::Tensor> previous = m.get_weights();
    try {
      m.load_weights(path, by_name);
    } catch (const kiln::Error&) {
      const std::vector<kiln::Tensor> after = m.get_weights();
      for (size_t i = 0; i < previous.size(); ++i)
        if (!after[i].BitwiseEquals(previous[i])) std::abort();  // a half-loaded model
    }
  }
  m.set_weights(before);
  return 0;
}

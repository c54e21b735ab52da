// libFuzzer target for npy::Load: any bytes give a tensor or a kiln::Error, never a crash, a hang
// or an allocation the file's size cannot back. Seeds: every .npy of the Keras fixtures.
#include <cstdint>

#include "io/npy.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const kiln::Tensor t = kiln::npy::Load(kiln::fuzz::AsFile(data, size, ".npy"));
    // Every element is readable (the data is really there).
    uint8_t sum = 0;
    for (size_t i = 0; i < t.nbytes(); ++i) sum ^= static_cast<const uint8_t*>(t.raw())[i];
    volatile uint8_t sink = sum;
    (void)sink;
  } catch (const kiln::Error&) {
  }
  return 0;
}

// libFuzzer target for npy::Load: any bytes give a tensor or a kiln::Error, never a crash, a hang
// or an allocation the file's size cannot back. Seeds: every .npy of the Keras fixtures.
#include <cstdint>

#include "io/npy.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    kiln::fuzz::ReadEveryByte(kiln::npy::Load(kiln::fuzz::AsFile(data, size, ".npy")));
  } catch (const kiln::Error&) {
  }
  return 0;
}

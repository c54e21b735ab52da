// libFuzzer target for the IDX reader (gzip'd or plain, as Fashion-MNIST ships): any bytes give a
// tensor or a kiln::Error, never a crash or an allocation the file cannot back.
#include <cstdint>

#include "io/idx.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const kiln::Tensor t = kiln::io::ReadIdx(kiln::fuzz::AsFile(data, size, "-idx"));
    uint8_t sum = 0;
    for (size_t i = 0; i < t.nbytes(); ++i) sum ^= static_cast<const uint8_t*>(t.raw())[i];
    volatile uint8_t sink = sum;
    (void)sink;
  } catch (const kiln::Error&) {
  }
  return 0;
}

// libFuzzer target for the IDX reader (gzip'd or plain, as Fashion-MNIST ships): any bytes give a
// tensor or a kiln::Error, never a crash or an allocation the file cannot back.
#include <cstdint>

#include "io/idx.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    kiln::fuzz::ReadEveryByte(kiln::io::ReadIdx(kiln::fuzz::AsFile(data, size, "-idx")));
  } catch (const kiln::Error&) {
  }
  return 0;
}

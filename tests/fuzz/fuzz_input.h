// The fuzz input as a file, for loaders that read paths (libhdf5 opens files; the format
// detection and the .keras zip reader read them too).
//
//   const std::string& path = kiln::fuzz::AsFile(data, size, ".h5");
//   kiln::keras::load_model(path);
//
// One file per process and suffix, rewritten for every input, in $TMPDIR (or /tmp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "graph/tensor.h"

namespace kiln::fuzz {

const std::string& AsFile(const uint8_t* data, size_t size, const std::string& suffix);

// Reads every byte of what a loader returned (so that ASan sees data that is not really there).
inline void ReadEveryByte(const Tensor& t) {
  uint8_t sum = 0;
  for (size_t i = 0; i < t.nbytes(); ++i) sum ^= static_cast<const uint8_t*>(t.raw())[i];
  volatile uint8_t sink = sum;
  (void)sink;
}

}  // namespace kiln::fuzz

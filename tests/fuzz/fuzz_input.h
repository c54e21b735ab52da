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

namespace kiln::fuzz {

const std::string& AsFile(const uint8_t* data, size_t size, const std::string& suffix);

}  // namespace kiln::fuzz

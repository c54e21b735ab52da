#include "tests/fuzz/fuzz_input.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace kiln::fuzz {

const std::string& AsFile(const uint8_t* data, size_t size, const std::string& suffix) {
  // Fuzz harness state, one file per suffix for the process's lifetime.
  static std::map<std::string, std::string> paths;
  auto [it, fresh] = paths.try_emplace(suffix);
  if (fresh) {
    const char* dir = std::getenv("TEST_TMPDIR");
    if (!dir) dir = std::getenv("TMPDIR");
    it->second =
        std::string(dir ? dir : "/tmp") + "/kiln-fuzz-" + std::to_string(getpid()) + suffix;
  }
  std::FILE* f = std::fopen(it->second.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0)
    throw std::runtime_error("cannot write the fuzz input to " + it->second);
  return it->second;
}

}  // namespace kiln::fuzz

#include "io/atomic_file.h"

#include <unistd.h>

#include <filesystem>

#include "graph/error.h"

namespace kiln {

void WriteFileAtomically(const std::string& path,
                         const std::function<void(const std::string& tmp)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(dir))
    throw IOError(path + ": directory " + dir.string() + " does not exist");
  const std::string tmp = path + ".tmp" + std::to_string(getpid());
  try {
    write(tmp);
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) throw IOError(path + ": cannot replace the file: " + ec.message());
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

}  // namespace kiln

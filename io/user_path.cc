#include "io/user_path.h"

#include <cstdlib>

namespace kiln {

std::string UserPath(std::string path) {
  if (path.empty() || path.front() == '/') return path;
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (dir == nullptr || *dir == '\0') return path;
  std::string out = dir;
  if (out.back() != '/') out += '/';
  return out + path;
}

}  // namespace kiln

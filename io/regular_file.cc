#include "io/regular_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

#include "graph/error.h"

namespace kiln {

void RequireRegularFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw IOError(path + ": " + std::error_code(errno, std::generic_category()).message());
  const char* kind = S_ISREG(st.st_mode)                          ? nullptr
                     : S_ISDIR(st.st_mode)                        ? "a directory"
                     : S_ISFIFO(st.st_mode)                       ? "a FIFO (named pipe)"
                     : S_ISSOCK(st.st_mode)                       ? "a socket"
                     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                  : "a special file";
  if (kind) throw IOError(path + ": is " + std::string(kind) + ", not a regular file");
}

}  // namespace kiln

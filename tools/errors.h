// Maps exceptions to the tool's exit codes, printing "kiln <command>: <message>" to stderr, and
// checks input paths before anything opens them.
#pragma once

#include <sys/stat.h>

#include <cerrno>
#include <functional>
#include <iostream>
#include <string>
#include <system_error>

#include "graph/error.h"
#include "tools/commands.h"

namespace kiln::tools {

// Throws kiln::IOError (exit code 3) unless `path` is a regular file (or a link to one). Opening
// a FIFO with no writer blocks for ever, and a device or socket is no model file; stat() says
// which without opening it.
inline void RequireRegularFile(const std::string& path) {
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

// A command line that does not fit the model (exit code 2, as CLI11's own usage errors).
class UsageError : public Error {
 public:
  using Error::Error;
};

inline int RunReportingErrors(const std::string& command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const IOError& e) {
    std::cerr << "kiln " << command << ": " << e.what() << "\n";
    return kFileError;
  } catch (const UsageError& e) {
    std::cerr << "kiln " << command << ": " << e.what() << "\n";
    return kUsage;
  } catch (const Error& e) {
    std::cerr << "kiln " << command << ": " << e.what() << "\n";
    return kUnsupported;
  } catch (const std::exception& e) {
    std::cerr << "kiln " << command << ": " << e.what() << "\n";
    return kFileError;
  }
}

}  // namespace kiln::tools

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
#include "io/regular_file.h"
#include "tools/commands.h"

namespace kiln::tools {

// A command line that does not fit the model (exit code 2, as CLI11's own usage errors).
class UsageError : public Error {
 public:
  using Error::Error;
};

// Input data that does not fit the model (an array of the wrong shape): exit code 3, as other bad
// input files, not 4, which says the model itself is beyond Kiln.
class BadInputError : public Error {
 public:
  using Error::Error;
};

inline int RunReportingErrors(const std::string& command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const IOError& e) {
    std::cerr << "kiln " << command << ": " << e.what() << "\n";
    return kFileError;
  } catch (const BadInputError& e) {
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

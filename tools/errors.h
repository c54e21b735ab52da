// Maps exceptions to the tool's exit codes, printing "kiln <command>: <message>" to stderr.
#pragma once

#include <functional>
#include <iostream>
#include <string>

#include "graph/error.h"
#include "tools/commands.h"

namespace kiln::tools {

inline int RunReportingErrors(const std::string& command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const IOError& e) {
    std::cerr << "kiln " << command << ": " << e.what() << "\n";
    return kFileError;
  } catch (const Error& e) {
    std::cerr << "kiln " << command << ": " << e.what() << "\n";
    return kUnsupported;
  } catch (const std::exception& e) {
    std::cerr << "kiln " << command << ": " << e.what() << "\n";
    return kFileError;
  }
}

}  // namespace kiln::tools

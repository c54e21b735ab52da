// The `kiln` command-line tool's subcommands. Each Add*Command registers one CLI11 subcommand whose
// callback sets `exit_code` (see kiln.cc for the codes).
#pragma once

#include <CLI/CLI.hpp>

namespace kiln::tools {

enum ExitCode {
  kOk = 0,
  kDifferent = 1,    // kiln diff: the files differ beyond the tolerance
  kUsage = 2,        // bad command line
  kFileError = 3,    // a file is missing, unreadable, corrupt or not a model; bad input data
  kUnsupported = 4,  // the model uses layers or options Kiln cannot build
};

void AddInspectCommand(CLI::App& app, int& exit_code);
void AddPredictCommand(CLI::App& app, int& exit_code);
void AddDiffCommand(CLI::App& app, int& exit_code);
void AddOpsCommand(CLI::App& app, int& exit_code);
void AddExportCommand(CLI::App& app, int& exit_code);

}  // namespace kiln::tools

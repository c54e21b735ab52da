// kiln: inspect, run and compare Keras and Kiln model files.
//
//   kiln inspect model.h5 [--json] [--graph [--training]] [--dot out.dot] [--html out.html]
//   kiln predict model.h5 --input x.npy --output y.npy [--batch-size 32]
//   kiln diff a.h5 b.h5 [--tol 1e-6]
//   kiln ops
//   kiln export model.h5 model.kiln [--training]
//
// Exit codes: 0 success; 1 `diff` found differences; 2 bad command line; 3 a file is missing,
// unreadable, corrupt or not a model, or an input array does not fit the model; 4 the model uses
// layers or options Kiln cannot build. Errors go to stderr and name the file and the problem.
#include <iostream>

#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"kiln: inspect, run and compare Keras and Kiln model files"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 diff found differences, 2 bad command line, 3 unreadable or "
      "invalid file or input, 4 unsupported model.");
  int exit_code = kiln::tools::kOk;
  kiln::tools::AddInspectCommand(app, exit_code);
  kiln::tools::AddPredictCommand(app, exit_code);
  kiln::tools::AddDiffCommand(app, exit_code);
  kiln::tools::AddOpsCommand(app, exit_code);
  kiln::tools::AddExportCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kiln::tools::kUsage;
  }
  return exit_code;
}

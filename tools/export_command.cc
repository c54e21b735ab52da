// kiln export MODEL OUT.kiln [--training]: Kiln's FlatBuffers graph file from any loadable model.
#include <iostream>

#include "io/user_path.h"
#include "keras/saving/kiln_export.h"
#include "tools/commands.h"
#include "tools/errors.h"

namespace kiln::tools {

void AddExportCommand(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("export", "Write a model's optimized graph and weights as a .kiln file");
  static std::string model, out;
  static bool training = false;
  cmd->add_option("MODEL", model, "a Keras model file Kiln can build")
      ->transform(kiln::UserPath)
      ->required();
  cmd->add_option("OUT", out, "the .kiln file to write")->transform(kiln::UserPath)->required();
  cmd->add_flag("--training", training,
                "also the training step and optimizer state (needs a training_config)");
  cmd->callback([&exit_code] {
    exit_code = RunReportingErrors("export", [] {
      RequireRegularFile(model);
      keras::saving::ExportFile(model, out, training);
      std::cout << "wrote " << out << "\n";
      return kOk;
    });
  });
}

}  // namespace kiln::tools

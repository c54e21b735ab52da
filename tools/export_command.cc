// kiln export MODEL OUT.kiln [--training]: Kiln's FlatBuffers graph file from any loadable model.
// kiln export MODEL OUT.onnx: the inference graph as ONNX (opset 17), picked by the extension.
#include <iostream>

#include "io/user_path.h"
#include "keras/saving/kiln_export.h"
#include "keras/saving/onnx_export.h"
#include "tools/commands.h"
#include "tools/errors.h"

namespace kiln::tools {

void AddExportCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "export", "Write a model's optimized graph and weights as a .kiln or .onnx file");
  static std::string model, out;
  static bool training = false;
  cmd->add_option("MODEL", model, "a Keras model file Kiln can build")
      ->transform(kiln::UserPath)
      ->required();
  cmd->add_option("OUT", out, "the .kiln or .onnx file to write (the format by extension)")
      ->transform(kiln::UserPath)
      ->required();
  cmd->add_flag("--training", training,
                "also the training step and optimizer state (needs a training_config; .kiln only)");
  cmd->callback([&exit_code] {
    exit_code = RunReportingErrors("export", [] {
      RequireRegularFile(model);
      if (out.ends_with(".onnx")) {
        if (training)
          throw ValueError(out + ": --training is for .kiln files; ONNX gets the inference graph");
        keras::saving::ExportOnnxFile(model, out);
      } else {
        keras::saving::ExportFile(model, out, training);
      }
      std::cout << "wrote " << out << "\n";
      return kOk;
    });
  });
}

}  // namespace kiln::tools

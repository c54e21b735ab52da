// kiln predict MODEL --input X.npy --output Y.npy: runs any loadable model on a NumPy array.
#include "io/keras_h5.h"
#include "io/npy.h"
#include "tools/commands.h"
#include "tools/errors.h"

namespace kiln::tools {

void AddPredictCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("predict", "Run a model on a .npy array (float32, float64 or uint8, C order)");
  static std::string model, input, output;
  static int64_t batch_size = 32;
  cmd->add_option("MODEL", model, "Keras or Kiln model file")->required();
  cmd->add_option("--input", input, "input array (.npy), batch dimension first")->required();
  cmd->add_option("--output", output, "where to write the predictions (.npy, float32)")->required();
  cmd->add_option("--batch-size", batch_size, "samples per step")->check(CLI::PositiveNumber);
  cmd->callback([&exit_code] {
    exit_code = RunReportingErrors("predict", [] {
      auto m = io::LoadModel(model);
      Tensor x = npy::Load(input);
      if (x.dtype() != kFloat32 && x.dtype() != kFloat64 && x.dtype() != kUInt8)
        throw IOError(input + ": dtype " + std::string(DTypeName(x.dtype())) + " is not float32, float64 or uint8");
      npy::Save(output, m->predict(x, {.batch_size = batch_size}));
      return kOk;
    });
  });
}

}  // namespace kiln::tools

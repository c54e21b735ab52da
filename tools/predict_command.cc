// kiln predict MODEL --input X.npy --output Y.npy: runs any loadable model on a NumPy array.
#include "io/npy.h"
#include "keras/saving/keras_h5.h"
#include "runtime/runtime.h"
#include "tools/commands.h"
#include "tools/errors.h"

namespace kiln::tools {
void AddPredictCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "predict", "Run a model on a .npy array (float32, float64, int32, int64 or uint8, C order)");
  static std::string model, input, output;
  static int64_t batch_size = 32;
  cmd->add_option("MODEL", model, "a Keras model file or a .kiln graph")->required();
  cmd->add_option("--input", input, "input array (.npy), batch dimension first")->required();
  cmd->add_option("--output", output, "where to write the predictions (.npy, float32)")->required();
  cmd->add_option("--batch-size", batch_size, "samples per step")->check(CLI::PositiveNumber);
  cmd->callback([&exit_code] {
    exit_code = RunReportingErrors("predict", [] {
      RequireRegularFile(model);
      RequireRegularFile(input);
      Tensor x = npy::Load(input);
      if (x.dtype() == kBool)
        throw IOError(input + ": dtype bool is not float32, float64, int32, int64 or uint8");
      if (keras::saving::DetectFormat(model) == keras::saving::ModelFileFormat::kKilnGraph) {
        npy::Save(output, Runtime::Load(model).Predict(x, batch_size));
      } else {
        npy::Save(output, keras::saving::LoadModel(model)->predict(x, {.batch_size = batch_size}));
      }
      return kOk;
    });
  });
}

}  // namespace kiln::tools

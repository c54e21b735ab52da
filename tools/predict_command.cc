// kiln predict MODEL --input X.npy --output Y.npy: runs any loadable model on a NumPy array.
#include "keras/saving/keras_h5.h"
#include "io/npy.h"
#include "runtime/runtime.h"
#include "tools/commands.h"
#include "tools/errors.h"

namespace kiln::tools {
namespace {

// A .kiln file runs on kiln::Runtime alone, batch by batch.
Tensor PredictWithRuntime(const std::string& path, const Tensor& x, int64_t batch_size) {
  Runtime rt = Runtime::Load(path);
  const TensorType in = rt.input_types().at(0);
  if (x.rank() != in.shape.rank() || !x.shape().IsCompatibleWith(Shape([&] {
        std::vector<int64_t> d = in.shape.dims();
        d[0] = x.dim(0);
        return d;
      }())))
    throw ShapeError(path + ": expected input of shape " + in.shape.ToString() + ", got " +
                     x.shape().ToString());
  Tensor result;
  for (int64_t s = 0; s < x.dim(0); s += batch_size) {
    const int64_t e = std::min(x.dim(0), s + batch_size);
    Tensor y = rt.Run({x.Slice(s, e)})[0];
    if (!result.valid()) {
      std::vector<int64_t> dims = y.shape().dims();
      dims[0] = x.dim(0);
      result = Tensor(y.dtype(), Shape(dims));
    }
    result.Slice(s, e).CopyFrom(y);
  }
  return result;
}

}  // namespace

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
        npy::Save(output, PredictWithRuntime(model, x, batch_size));
      } else {
        npy::Save(output, keras::saving::LoadModel(model)->predict(x, {.batch_size = batch_size}));
      }
      return kOk;
    });
  });
}

}  // namespace kiln::tools

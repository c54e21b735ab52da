// kiln predict MODEL --input X.npy --output Y.npy: runs any loadable model on NumPy arrays. A model
// with several inputs or outputs takes --input and --output once for each, in the model's order
// or as NAME=FILE.npy in any order.
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <optional>

#include "io/npy.h"
#include "io/user_path.h"
#include "keras/saving/keras_h5.h"
#include "runtime/runtime.h"
#include "tools/commands.h"
#include "tools/errors.h"

namespace kiln::tools {
namespace {

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// One path per name, from `args` given in order or as NAME=PATH (a NAME the model has).
std::vector<std::string> ByName(const std::vector<std::string>& args,
                                const std::vector<std::string>& names, const char* what) {
  std::map<std::string, std::string> named;
  std::vector<std::string> positional;
  for (const std::string& a : args) {
    const size_t eq = a.find('=');
    const std::string key = eq == std::string::npos ? "" : a.substr(0, eq);
    if (!key.empty() && std::find(names.begin(), names.end(), key) != names.end()) {
      if (!named.emplace(key, a.substr(eq + 1)).second)
        throw UsageError("--" + std::string(what) + " " + key + " is given twice");
    } else {
      positional.push_back(a);
    }
  }
  if (!named.empty() && !positional.empty())
    throw UsageError("--" + std::string(what) + ": give every " + what +
                     " as NAME=FILE.npy or none (the model's " + what + "s are " + Joined(names) +
                     ")");
  if (named.empty()) {
    if (positional.size() != names.size())
      throw UsageError("the model has " + std::to_string(names.size()) + " " + what + "(s) (" +
                       Joined(names) + "), but --" + what + " is given " +
                       std::to_string(positional.size()) + " time(s)");
    for (std::string& path : positional) path = UserPath(path);
    return positional;
  }
  std::vector<std::string> out;
  for (const std::string& n : names) {
    auto it = named.find(n);
    if (it == named.end())
      throw UsageError("no --" + std::string(what) + " for '" + n + "' (the model's " + what +
                       "s are " + Joined(names) + ")");
    out.push_back(UserPath(it->second));
  }
  return out;
}

}  // namespace

void AddPredictCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "predict", "Run a model on .npy arrays (float32, float64, int32, int64 or uint8, C order)");
  static std::string model;
  static std::vector<std::string> inputs, outputs;
  static int64_t batch_size = 32;
  cmd->add_option("MODEL", model, "a Keras model file or a .kiln graph")
      ->transform(kiln::UserPath)
      ->required();
  cmd->add_option("--input", inputs,
                  "input array (.npy), batch dimension first; once per model input, in order or "
                  "as NAME=FILE.npy")
      ->required();
  cmd->add_option("--output", outputs,
                  "where to write the predictions (.npy); once per model output, in order or as "
                  "NAME=FILE.npy")
      ->required();
  cmd->add_option("--batch-size", batch_size, "samples per step (at least 1)");
  cmd->callback([&exit_code] {
    exit_code = RunReportingErrors("predict", [] {
      if (batch_size < 1)
        throw UsageError("--batch-size must be at least 1, got " + std::to_string(batch_size));
      RequireRegularFile(model);
      std::vector<std::string> in_names, out_names;
      std::function<std::vector<Tensor>(const std::vector<Tensor>&)> run;
      std::optional<Runtime> rt;
      std::unique_ptr<keras::Model> m;
      if (keras::saving::DetectFormat(model) == keras::saving::ModelFileFormat::kKilnGraph) {
        rt.emplace(Runtime::Load(model));
        in_names = rt->input_names();
        out_names = rt->output_names();
        run = [&](const std::vector<Tensor>& xs) { return rt->PredictAll(xs, batch_size); };
      } else {
        m = keras::saving::LoadModel(model);
        in_names = m->input_names();
        out_names = m->output_names();
        run = [&](const std::vector<Tensor>& xs) {
          return m->predict_all(xs, {.batch_size = batch_size});
        };
      }
      const std::vector<std::string> in_paths = ByName(inputs, in_names, "input");
      const std::vector<std::string> out_paths = ByName(outputs, out_names, "output");
      std::vector<Tensor> xs;
      for (const std::string& path : in_paths) {
        RequireRegularFile(path);
        xs.push_back(npy::Load(path));
        if (xs.back().dtype() == kBool)
          throw IOError(path + ": dtype bool is not float32, float64, int32, int64 or uint8");
      }
      std::vector<Tensor> ys;
      try {
        ys = run(xs);
      } catch (const ShapeError& e) {
        // The model was built when it loaded: a shape that does not fit now is the input's.
        throw BadInputError(e.what());
      }
      for (size_t k = 0; k < ys.size(); ++k) {
        npy::Save(out_paths[k], ys[k]);
        std::cout << "wrote " << out_paths[k] << ": " << keras::KerasShapeString(ys[k].shape())
                  << " " << DTypeName(ys[k].dtype()) << "\n";
      }
      return kOk;
    });
  });
}

}  // namespace kiln::tools

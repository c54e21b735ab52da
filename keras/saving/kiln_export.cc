#include "keras/saving/kiln_export.h"

#include "io/kiln_graph.h"
#include "keras/model_config.h"
#include "keras/saving/keras_h5.h"
#include "keras/saving/optimizer_state.h"

namespace kiln::keras::saving {

void ExportModel(Model& model, const std::string& path, bool training) {
  io::GraphFile file;
  auto add = [&](const std::string& name, const keras::Model::GraphView& v) {
    file.subgraphs.push_back({name, v.graph, v.inputs, v.outputs, v.targets});
  };
  add("serving", model.serving_view());
  if (training) {
    if (!model.compiled()) throw ValueError("export with training: the model is not compiled");
    // kiln::Runtime runs the exported step as it is: what the training loop sets on the host
    // before each step (a scheduled or decayed rate, EMA's momentum and overwrite flag) would
    // stay frozen at its last value.
    const Optimizer& opt = *model.optimizer();
    if (opt.schedule() || opt.decay() > 0 || opt.use_ema())
      throw ValueError("export with training: the optimizer's " +
                       std::string(opt.use_ema() ? "use_ema" : "learning-rate schedule") +
                       " changes between steps on the host, which kiln::Runtime does not do; "
                       "export without training, or with a constant learning rate");
    add("train", model.training_view());
  }
  // Only the variables the exported graphs read (no optimizer slots in a serving-only file).
  for (const auto& sg : file.subgraphs)
    for (int id : sg.graph.NodeIds())
      if (sg.graph.node(id).op == "Variable") {
        const std::string& name = sg.graph.node(id).name;
        file.variables.Set(name, model.variables().Get(name).Clone());
      }
  file.metadata["kiln_version"] = kKilnVersion;
  file.metadata["source_model"] = model.name();
  std::string outputs;
  for (const std::string& name : model.output_names())
    outputs += (outputs.empty() ? "" : "\n") + name;
  file.metadata["serving_output_names"] = outputs;
  file.metadata["model_config"] = ModelConfig(model).dump();
  if (model.compiled())
    file.metadata["training_config"] =
        TrainingConfig(model, GenerationFor(*model.optimizer(), KerasTarget::kTfKeras2)).dump();
  io::WriteGraphFile(file, path);
}

void ExportFile(const std::string& model_path, const std::string& out_path, bool training) {
  auto model = LoadModel(model_path);
  if (training && !model->compiled())
    throw ValueError(model_path + ": export --training needs a training_config Kiln can follow");
  ExportModel(*model, out_path, training);
}

}  // namespace kiln::keras::saving

namespace kiln::keras {

void Model::export_graph(const std::string& path, bool training) {
  saving::ExportModel(*this, path, training);
}

}  // namespace kiln::keras

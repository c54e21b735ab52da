#include "keras/saving/onnx_export.h"

#include "io/onnx/onnx_writer.h"
#include "keras/saving/keras_h5.h"
#include "keras/saving/kiln_export.h"

namespace kiln::keras::saving {

void ExportOnnx(Model& model, const std::string& path) {
  const Model::GraphView v = model.serving_view();
  io::OnnxGraph g{.graph = v.graph,
                  .inputs = v.inputs,
                  .outputs = v.outputs,
                  .input_names = model.input_names(),
                  .output_names = model.output_names(),
                  .variables = &model.variables(),
                  .graph_name = model.name(),
                  .producer_version = kKilnVersion,
                  .doc = "Kiln model '" + model.name() + "' (inference graph)"};
  io::WriteOnnxFile(g, path);
}

void ExportOnnxFile(const std::string& model_path, const std::string& out_path) {
  auto model = LoadModel(model_path);
  ExportOnnx(*model, out_path);
}

}  // namespace kiln::keras::saving

namespace kiln::keras {

void Model::export_onnx(const std::string& path) { saving::ExportOnnx(*this, path); }

}  // namespace kiln::keras

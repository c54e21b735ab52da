#include "keras/layers/input_layer.h"

#include "keras/backend.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

InputLayer::InputLayer(InputLayerOptions options) : dtype_(options.dtype) {
  if (options.input_shape.empty()) throw ValueError("InputLayer: input_shape is required");
  InitBase(options.name.empty() ? backend::UniqueObjectName("input") : options.name,
           options.input_shape, 0);
  if (dtype_ == kBool)
    throw ValueError("InputLayer '" + name_ +
                     "': dtype bool is not supported (float32, float64, int32, int64, uint8)");
}

nlohmann::json InputLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c.erase("trainable");
  c["dtype"] = std::string(DTypeName(dtype_));
  c["sparse"] = false;
  c["ragged"] = false;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "InputLayer '" + config::Name(c) + "'";
  // Integer inputs (token ids, Input(dtype="int32")) keep their dtype; see input_layer.h.
  DType dtype = kFloat32;
  const std::string name = config::DTypeNameOf(c).value_or("float32");
  if (name == "float64" || name == "int32" || name == "int64" || name == "uint8")
    dtype = DTypeFromName(name);
  else if (name != "float32")
    unsupported.push_back(where + ": dtype " + name);
  if (c.value("sparse", false)) unsupported.push_back(where + ": sparse");
  if (c.value("ragged", false)) unsupported.push_back(where + ": ragged");
  auto shape = config::InputShape(c);
  if (shape.empty()) {
    unsupported.push_back(where + ": no input shape");
    return nullptr;
  }
  return std::make_shared<InputLayer>(InputLayerOptions{shape, config::Name(c), dtype});
}
KILN_REGISTER_LAYER("InputLayer", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

namespace kiln::keras {

KerasTensor InputTensor(const std::shared_ptr<Layer>& layer) {
  const auto* input = dynamic_cast<const layers::InputLayer*>(layer.get());
  if (!input) throw ValueError("InputTensor: '" + layer->name() + "' is not an InputLayer");
  if (auto nodes = layer->inbound_nodes(); !nodes.empty()) return {nodes[0], 0};
  layer->Build(*layer->declared_input_shape());
  auto node = std::make_shared<LayerNode>(
      LayerNode{layer, {}, {*layer->declared_input_shape()}, {input->dtype()}});
  layer->AddNode(node);
  return {node, 0};
}

}  // namespace kiln::keras

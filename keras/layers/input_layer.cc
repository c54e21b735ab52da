#include "keras/layers/input_layer.h"

#include "keras/backend.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

InputLayer::InputLayer(InputLayerOptions options) : dtype_(options.dtype) {
  if (options.input_shape.empty()) throw ValueError("InputLayer: input_shape is required");
  InitBase(options.name.empty() ? backend::UniqueObjectName("input") : options.name,
           options.input_shape, 0);
  if (options.batch_size < 0 || options.batch_size > config::kMaxSize)
    throw ValueError("InputLayer '" + name_ + "': batch_size must be between 1 and " +
                     std::to_string(config::kMaxSize) + ", got " +
                     std::to_string(options.batch_size));
  if (options.batch_size > 0) (*declared_input_shape_)[0] = options.batch_size;
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
  // A fixed batch dimension (batch_shape [2, 5, 3]), as a stateful model's input has.
  int64_t batch = 0;
  for (const char* key : {"batch_input_shape", "batch_shape"})
    if (c.contains(key) && c[key].is_array() && !c[key].empty() && c[key][0].is_number_integer())
      batch = c[key][0].get<int64_t>();
  if (batch < 0 || batch > config::kMaxSize) {
    unsupported.push_back(where + ": batch size " + std::to_string(batch));
    return nullptr;
  }
  return std::make_shared<InputLayer>(InputLayerOptions{shape, batch, dtype, config::Name(c)});
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

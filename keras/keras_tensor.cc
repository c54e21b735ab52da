#include "keras/keras_tensor.h"

#include "keras/layers/input_layer.h"
#include "keras/layers/layer.h"

namespace kiln::keras {

const Shape& KerasTensor::shape() const {
  if (!node_) throw ValueError("KerasTensor: an empty tensor has no shape");
  return node_->output_shapes[index_];
}

DType KerasTensor::dtype() const {
  if (!node_) throw ValueError("KerasTensor: an empty tensor has no dtype");
  return node_->output_dtypes[index_];
}

Layer& KerasTensor::layer() const {
  if (!node_) throw ValueError("KerasTensor: an empty tensor has no layer");
  return *node_->layer;
}

std::string KerasTensor::name() const {
  if (!node_) return "<empty tensor>";
  return node_->layer->name() +
         (node_->output_shapes.size() > 1 ? ":" + std::to_string(index_) : "");
}

std::vector<KerasTensor> CallLayer(const std::shared_ptr<Layer>& layer,
                                   std::span<const KerasTensor> inputs,
                                   std::optional<bool> training) {
  std::vector<Shape> shapes;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].valid())
      throw ValueError(layer->class_name() + " '" + layer->name() + "': input " +
                       std::to_string(i) + " is an empty KerasTensor");
    shapes.push_back(inputs[i].shape());
  }
  layer->Build(shapes);
  auto node = std::make_shared<LayerNode>();
  node->layer = layer;
  node->inputs.assign(inputs.begin(), inputs.end());
  node->training = training;
  node->output_shapes = layer->ComputeOutputShapes(shapes);
  // Layers compute in float32; one that keeps integer inputs (Flatten) passes their dtype on.
  const bool keeps = !inputs.empty() && layer->KeepsIntegerInputs() &&
                     !IsFloating(inputs[0].dtype()) && inputs[0].dtype() != kBool;
  node->output_dtypes.assign(node->output_shapes.size(), keeps ? inputs[0].dtype() : kFloat32);
  layer->AddNode(node);
  std::vector<KerasTensor> out;
  for (size_t i = 0; i < node->output_shapes.size(); ++i)
    out.emplace_back(node, static_cast<int>(i));
  return out;
}

}  // namespace kiln::keras

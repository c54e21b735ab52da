#include "keras/layers/layer.h"

#include "keras/backend.h"

namespace kiln::keras {

void Layer::set_name(std::string name) {
  if (name.empty()) throw ValueError(class_name() + ": a layer name cannot be empty");
  name_ = std::move(name);
}

void Layer::InitBase(const std::string& name, const std::vector<int64_t>& input_shape,
                     int64_t input_dim) {
  name_ = name.empty() ? backend::UniqueObjectName(backend::ToSnakeCase(class_name())) : name;
  std::vector<int64_t> dims;
  if (!input_shape.empty())
    dims = input_shape;
  else if (input_dim > 0)
    dims = {input_dim};
  else
    return;
  for (int64_t d : dims)
    if (d <= 0 && d != kUnknownDim)
      throw ValueError(class_name() + " '" + name_ + "': invalid input_shape " +
                       Shape(dims).ToString());
  dims.insert(dims.begin(), kUnknownDim);
  declared_input_shape_ = Shape(dims);
}

void Layer::Build(const Shape& input_shape) { Build(std::span<const Shape>(&input_shape, 1)); }

void Layer::Build(std::span<const Shape> shapes) {
  auto list = [](std::span<const Shape> s) {
    std::string out;
    for (const Shape& x : s) out += (out.empty() ? "" : ", ") + KerasShapeString(x);
    return s.size() == 1 ? out : "[" + out + "]";
  };
  if (built_) {
    bool same = shapes.size() == input_shapes_.size();
    for (size_t i = 0; same && i < shapes.size(); ++i)
      same = shapes[i].IsCompatibleWith(input_shapes_[i]);
    if (!same) ShapeFail("was built for input " + list(input_shapes_) + ", got " + list(shapes));
    return;
  }
  ComputeOutputShapes(shapes);  // validates
  input_shapes_.assign(shapes.begin(), shapes.end());
  input_shape_ = shapes.empty() ? Shape() : shapes[0];
  BuildWeights(input_shape_);
  built_ = true;
}

std::vector<Shape> Layer::ComputeOutputShapes(std::span<const Shape> input_shapes) const {
  ExpectCount("inputs", input_shapes.size(), 1);
  return {ComputeOutputShape(input_shapes[0])};
}

std::vector<ValueRef> Layer::Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                                  const CallContext& ctx) {
  ExpectCount("inputs", inputs.size(), 1);
  return {CallOne(b, inputs[0], ctx)};
}

ValueRef Layer::Call(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  std::vector<ValueRef> out = Call(b, std::span<const ValueRef>(&x, 1), ctx);
  ExpectCount("outputs", out.size(), 1);
  return out[0];
}

std::vector<ValueRef> Layer::ComputeMask(GraphBuilder&, std::span<const ValueRef>,
                                         std::span<const ValueRef> masks, size_t n_outputs) const {
  const ValueRef kept = supports_masking() && !masks.empty() ? masks[0] : ValueRef{};
  return std::vector<ValueRef>(n_outputs, kept);
}

ValueRef Layer::CallOne(GraphBuilder&, ValueRef, const CallContext&) {
  throw ValueError(class_name() + " '" + name_ + "' takes several inputs, called with one");
}

void Layer::ExpectCount(const char* what, size_t got, size_t want) const {
  if (got != want)
    throw ValueError(class_name() + " '" + name_ + "': expected " + std::to_string(want) + " " +
                     what + ", got " + std::to_string(got));
}

Weight& Layer::AddWeight(const std::string& name, Tensor initial, bool trainable) {
  weights_.push_back({name, std::move(initial), trainable});
  return weights_.back();
}

KerasTensor Layer::operator()(const KerasTensor& x) && {
  return LayerRef(std::move(*this).MoveToShared())(x);
}

KerasTensor Layer::operator()(const std::vector<KerasTensor>& inputs) && {
  return LayerRef(std::move(*this).MoveToShared())(inputs);
}

std::vector<std::shared_ptr<const LayerNode>> Layer::inbound_nodes() const {
  std::vector<std::shared_ptr<const LayerNode>> out;
  for (const auto& w : nodes_)
    if (auto n = w.lock()) out.push_back(std::move(n));
  return out;
}

KerasTensor Layer::input() const {
  const auto nodes = inbound_nodes();
  if (nodes.empty()) throw ValueError("Layer " + name_ + " is not connected, no input to return.");
  if (nodes.size() > 1)
    throw ValueError("Layer " + name_ +
                     " has multiple inbound nodes, hence the notion of \"layer input\" is "
                     "ill-defined.");
  if (nodes[0]->inputs.empty()) return {nodes[0], 0};  // an InputLayer's input is its output
  if (nodes[0]->inputs.size() > 1)
    throw ValueError("Layer " + name_ + " has several inputs; use inbound_nodes()");
  return nodes[0]->inputs[0];
}

KerasTensor Layer::output() const {
  const auto nodes = inbound_nodes();
  if (nodes.empty())
    throw ValueError("The layer " + name_ +
                     " has never been called and thus has no defined output.");
  if (nodes.size() > 1)
    throw ValueError("Layer " + name_ +
                     " has multiple inbound nodes, hence the notion of \"layer output\" is "
                     "ill-defined.");
  if (nodes[0]->output_shapes.size() != 1)
    throw ValueError("Layer " + name_ + " has several outputs; use inbound_nodes()");
  return {nodes[0], 0};
}

LayerRef::LayerRef(const KerasTensor& input) : ptr_(input.valid() ? input.node()->layer : nullptr) {
  if (!ptr_ || !input.node()->inputs.empty() || ptr_->class_name() != "InputLayer")
    throw ValueError(
        "only an Input tensor can stand for a layer (Sequential({Input(...), ...})); "
        "got the output of " +
        input.name());
}

KerasTensor LayerRef::operator()(const KerasTensor& x) const {
  return (*this)(std::vector<KerasTensor>{x});
}

KerasTensor LayerRef::operator()(const std::vector<KerasTensor>& inputs) const {
  std::vector<KerasTensor> out = CallAll(inputs);
  if (out.size() != 1)
    throw ValueError(ptr_->class_name() + " '" + ptr_->name() + "' has " +
                     std::to_string(out.size()) + " outputs; call it with CallAll");
  return out[0];
}

std::vector<KerasTensor> LayerRef::CallAll(const std::vector<KerasTensor>& inputs,
                                           std::optional<bool> training) const {
  return CallLayer(ptr_, inputs, training);
}

int64_t Layer::count_params() const {
  int64_t n = 0;
  for (const Weight& w : weights_) n += w.value.num_elements();
  return n;
}

void Layer::ShapeFail(const std::string& message) const {
  throw ShapeError(class_name() + " '" + name_ + "': " + message);
}

std::vector<bool> Layer::TrainableMask() const {
  std::vector<bool> mask;
  for (const Weight& w : weights_) mask.push_back(trainable_ && w.trainable);
  return mask;
}

nlohmann::json Layer::get_config() const {
  nlohmann::json c = {{"name", name_}, {"trainable", trainable_}, {"dtype", "float32"}};
  if (declared_input_shape_) {
    nlohmann::json shape = nlohmann::json::array();
    for (int64_t d : declared_input_shape_->dims())
      shape.push_back(d < 0 ? nlohmann::json() : nlohmann::json(d));
    c["batch_input_shape"] = shape;
  }
  return c;
}

std::string KerasShapeString(const Shape& s) {
  std::string out = "(";
  for (int i = 0; i < s.rank(); ++i) {
    if (i) out += ", ";
    out += s[i] < 0 ? "None" : std::to_string(s[i]);
  }
  if (s.rank() == 1) out += ",";
  return out + ")";
}

}  // namespace kiln::keras

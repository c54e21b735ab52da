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

void Layer::Build(const Shape& input_shape) {
  if (built_) {
    if (!input_shape.IsCompatibleWith(input_shape_))
      ShapeFail("was built for input " + KerasShapeString(input_shape_) + ", got " +
                KerasShapeString(input_shape));
    return;
  }
  input_shape_ = input_shape;
  ComputeOutputShape(input_shape);  // validates
  BuildWeights(input_shape);
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

int64_t Layer::count_params() const {
  int64_t n = 0;
  for (const Weight& w : weights_) n += w.value.num_elements();
  return n;
}

void Layer::ShapeFail(const std::string& message) const {
  throw ShapeError(class_name() + " '" + name_ + "': " + message);
}

nlohmann::json Layer::get_config() const {
  nlohmann::json c = {{"name", name_}, {"trainable", true}, {"dtype", "float32"}};
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

#include "keras/layers/concatenate.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Concatenate::Concatenate(ConcatenateOptions o) : axis_(o.axis) { InitBase(o.name, {}, 0); }

std::vector<Shape> Concatenate::ComputeOutputShapes(std::span<const Shape> input_shapes) const {
  // Keras 3 and tf.keras 2.6+ accept a list of one tensor (Keras 2.3.1 wanted two).
  if (input_shapes.empty())
    throw ValueError("Concatenate '" + name_ +
                     "': A `Concatenate` layer should be called on a list of at least 1 input. "
                     "Received: input_shape=[]");
  const int rank = input_shapes[0].rank();
  const std::string mismatch =
      "A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
      "axis. Received: input_shape=" +
      ShapeListString(input_shapes);
  for (const Shape& s : input_shapes)
    if (s.rank() != rank) ShapeFail(mismatch);
  if (axis_ >= rank || axis_ < -rank)
    ShapeFail("axis " + std::to_string(axis_) + " is out of range for inputs of rank " +
              std::to_string(rank) + ": " + ShapeListString(input_shapes));
  const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
  std::vector<int64_t> out = input_shapes[0].dims();
  for (size_t k = 1; k < input_shapes.size(); ++k) {
    const Shape& s = input_shapes[k];
    for (int d = 0; d < rank; ++d) {
      if (d == axis)
        out[d] = out[d] < 0 || s[d] < 0 ? kUnknownDim : out[d] + s[d];
      else if (out[d] < 0)
        out[d] = s[d];
      else if (s[d] >= 0 && s[d] != out[d])
        ShapeFail(mismatch);
    }
  }
  return {Shape(out)};
}

std::vector<ValueRef> Concatenate::Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                                        const CallContext&) {
  ComputeOutputShapes(ShapesOf(b, inputs));
  return {MergeFunction(b, inputs)};
}

ValueRef Concatenate::MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const {
  return b.Op("Concat", std::vector<ValueRef>(inputs.begin(), inputs.end()), {{"axis", axis_}});
}

nlohmann::json Concatenate::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = axis_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  ConcatenateOptions o{.name = MergeConfigName(c, "Concatenate", unsupported)};
  if (c.contains("axis")) {
    if (c["axis"].is_number_integer())
      o.axis = c["axis"].get<int64_t>();
    else
      unsupported.push_back("Concatenate '" + o.name + "': axis " + c["axis"].dump());
  }
  return std::make_shared<Concatenate>(o);
}
KILN_REGISTER_LAYER("Concatenate", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

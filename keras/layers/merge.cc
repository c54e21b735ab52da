#include "keras/layers/merge.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Shape Merge::ComputeOutputShape(const Shape& input_shape) const {
  throw ValueError(class_name() + " '" + name_ +
                   "': A merge layer should be called on a list of inputs. Received: input_shape=" +
                   KerasShapeString(input_shape) + " (not a list of shapes)");
}

void Merge::CheckInputCount(std::span<const Shape> input_shapes) const {
  if (input_shapes.size() < 2)
    throw ValueError(class_name() + " '" + name_ +
                     "': A merge layer should be called on a list of at least 2 inputs. Got " +
                     std::to_string(input_shapes.size()) +
                     " inputs. Full input_shape received: " + ShapeListString(input_shapes));
}

std::vector<Shape> Merge::ComputeOutputShapes(std::span<const Shape> input_shapes) const {
  CheckInputCount(input_shapes);
  int64_t batch = kUnknownDim;
  for (const Shape& s : input_shapes) {
    if (s.rank() == 0) ShapeFail("inputs must have a batch dimension, got a scalar");
    if (s[0] < 0) continue;
    if (batch >= 0 && s[0] != batch)
      ShapeFail("Cannot merge tensors with different batch sizes. Received tensors with shapes " +
                ShapeListString(input_shapes));
    batch = s[0];
  }
  // Keras's _compute_elemwise_op_output_shape on the dimensions after the batch, right-aligned.
  std::vector<int64_t> out(input_shapes[0].dims().begin() + 1, input_shapes[0].dims().end());
  for (size_t k = 1; k < input_shapes.size(); ++k) {
    const std::vector<int64_t> next(input_shapes[k].dims().begin() + 1,
                                    input_shapes[k].dims().end());
    const std::vector<int64_t>& longer = out.size() >= next.size() ? out : next;
    const std::vector<int64_t>& shorter = out.size() >= next.size() ? next : out;
    std::vector<int64_t> merged(longer.begin(), longer.end() - shorter.size());
    for (size_t d = 0; d < shorter.size(); ++d) {
      const int64_t i = longer[longer.size() - shorter.size() + d], j = shorter[d];
      if (i < 0 || j < 0) {
        merged.push_back(kUnknownDim);
      } else if (i == 1 || j == 1) {
        merged.push_back(i == 1 ? j : i);
      } else if (i != j) {
        std::vector<int64_t> a = out, b = next;
        a.insert(a.begin(), kUnknownDim);
        b.insert(b.begin(), kUnknownDim);
        ShapeFail("Inputs have incompatible shapes. Received shapes " + KerasShapeString(Shape(a)) +
                  " and " + KerasShapeString(Shape(b)));
      } else {
        merged.push_back(i);
      }
    }
    out = std::move(merged);
  }
  out.insert(out.begin(), batch);
  return {Shape(out)};
}

std::vector<ValueRef> Merge::Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                                  const CallContext&) {
  const std::vector<Shape> shapes = ShapesOf(b, inputs);
  ComputeOutputShapes(shapes);  // validates, with Keras's messages
  int rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.rank());
  std::vector<ValueRef> same_rank(inputs.begin(), inputs.end());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (shapes[i].rank() == rank) continue;
    // The graph's ops broadcast numpy's way, aligning the batch dimension with an inner one; the
    // size-1 dimensions go right after the batch instead, as Keras's expand_dims(x, 1).
    std::vector<int64_t> dims = {-1};
    dims.insert(dims.end(), rank - shapes[i].rank(), 1);
    dims.insert(dims.end(), shapes[i].dims().begin() + 1, shapes[i].dims().end());
    same_rank[i] = b.Op("Reshape", {inputs[i]}, {{"shape", dims}});
  }
  return {MergeFunction(b, same_rank)};
}

ValueRef Merge::Fold(GraphBuilder& b, std::span<const ValueRef> inputs, const std::string& op) {
  ValueRef out = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) out = b.Op(op, {out, inputs[i]});
  return out;
}

std::string Merge::ShapeListString(std::span<const Shape> shapes) {
  std::string s = "[";
  for (size_t i = 0; i < shapes.size(); ++i) s += (i ? ", " : "") + KerasShapeString(shapes[i]);
  return s + "]";
}

std::vector<Shape> Merge::ShapesOf(const GraphBuilder& b, std::span<const ValueRef> inputs) {
  std::vector<Shape> shapes;
  for (ValueRef v : inputs) shapes.push_back(b.type(v).shape);
  return shapes;
}

std::string MergeConfigName(const nlohmann::json& c, const std::string& class_name,
                            std::vector<std::string>& unsupported) {
  config::CheckDType(c, class_name + " '" + config::Name(c) + "'", unsupported);
  return config::Name(c);
}

std::vector<ValueRef> Merge::ComputeMask(GraphBuilder& b, std::span<const ValueRef>,
                                         std::span<const ValueRef> masks, size_t n_outputs) const {
  ValueRef kept;
  for (ValueRef m : masks)
    if (m.valid()) kept = kept.valid() ? b.Op("Mul", {kept, m}) : m;
  return std::vector<ValueRef>(n_outputs, kept);
}

}  // namespace kiln::keras::layers

#include "keras/layers/dot.h"

#include <numeric>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Dot::Dot(int64_t axes, DotOptions o) : axes_{axes, axes}, one_axis_(true), normalize_(o.normalize) {
  InitBase(o.name, {}, 0);
}

Dot::Dot(std::array<int64_t, 2> axes, DotOptions o)
    : axes_(axes), one_axis_(false), normalize_(o.normalize) {
  InitBase(o.name, {}, 0);
}

std::array<int, 2> Dot::AxesFor(const Shape& x, const Shape& y) const {
  const std::string shapes = KerasShapeString(x) + " and " + KerasShapeString(y);
  if (x.rank() < 2 || y.rank() < 2)
    ShapeFail("Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes " + shapes +
              ".");
  std::array<int, 2> axes{};
  for (int i = 0; i < 2; ++i) {
    const int rank = (i ? y : x).rank();
    if (axes_[i] >= rank || axes_[i] < -rank)
      ShapeFail("axis " + std::to_string(axes_[i]) + " is out of range for input " +
                std::to_string(i) + " of rank " + std::to_string(rank) + " (shapes " + shapes +
                ")");
    axes[i] = static_cast<int>(axes_[i] < 0 ? axes_[i] + rank : axes_[i]);
  }
  if (axes[0] == 0 || axes[1] == 0)
    ShapeFail(
        "Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch "
        "dimension to your inputs using keras.ops.expand_dims(x, 0)");
  return axes;
}

std::vector<Shape> Dot::ComputeOutputShapes(std::span<const Shape> input_shapes) const {
  if (input_shapes.size() != 2)
    throw ValueError("Dot '" + name_ +
                     "': A `Dot` layer should be called on a list of 2 inputs. Received: "
                     "input_shape=" +
                     ShapeListString(input_shapes));
  const Shape &x = input_shapes[0], &y = input_shapes[1];
  const auto [a0, a1] = AxesFor(x, y);
  if (x[0] >= 0 && y[0] >= 0 && x[0] != y[0])
    ShapeFail(
        "Cannot do batch_dot on inputs with different batch sizes. Received inputs with "
        "shapes " +
        KerasShapeString(x) + " and " + KerasShapeString(y) + ".");
  if (x[a0] >= 0 && y[a1] >= 0 && x[a0] != y[a1])
    ShapeFail("Incompatible input shapes: axis values " + std::to_string(x[a0]) + " (at axis " +
              std::to_string(a0) + ") != " + std::to_string(y[a1]) + " (at axis " +
              std::to_string(a1) + "). Full input shapes: " + KerasShapeString(x) + ", " +
              KerasShapeString(y));
  std::vector<int64_t> out = {x[0] >= 0 ? x[0] : y[0]};
  for (int d = 1; d < x.rank(); ++d)
    if (d != a0) out.push_back(x[d]);
  for (int d = 1; d < y.rank(); ++d)
    if (d != a1) out.push_back(y[d]);
  if (out.size() == 1) out.push_back(1);
  return {Shape(out)};
}

std::vector<ValueRef> Dot::Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                                const CallContext&) {
  ComputeOutputShapes(ShapesOf(b, inputs));
  return {MergeFunction(b, inputs)};
}

namespace {

// tf.keras's l2_normalize: x / sqrt(max(sum(x^2), 1e-12)) along `axis`. (Keras 3 bounds the norm
// by 1e-7 instead of its square by 1e-12; they differ only for norms below 1e-6.)
ValueRef L2Normalize(GraphBuilder& b, ValueRef x, int axis) {
  const DType t = b.type(x).dtype;
  ValueRef sum = b.Op("ReduceSum", {b.Op("Square", {x})},
                      {{"axes", std::vector<int64_t>{axis}}, {"keep_dims", true}});
  return b.Op("Div", {x, b.Op("Sqrt", {b.Op("Maximum", {sum, b.Scalar(1e-12, t)})})});
}

// Moves dimension `from` of x to position `to`, the others keeping their order.
ValueRef MoveAxis(GraphBuilder& b, ValueRef x, int from, int to) {
  if (from == to) return x;
  std::vector<int64_t> perm(b.type(x).shape.rank());
  std::iota(perm.begin(), perm.end(), 0);
  perm.erase(perm.begin() + from);
  perm.insert(perm.begin() + to, from);
  return b.Op("Transpose", {x}, {{"perm", perm}});
}

}  // namespace

// There is no batched matrix product op: with x as (batch, X..., n) and y as (batch, n, Y...),
// x[..., :, None...] * y[:, None..., ...] broadcasts to (batch, X..., n, Y...), and summing over n
// is batch_dot. It costs a temporary of that size, which is small for the shapes merge layers see.
ValueRef Dot::MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const {
  ValueRef x = inputs[0], y = inputs[1];
  const auto [a0, a1] = AxesFor(b.type(x).shape, b.type(y).shape);
  if (normalize_) {
    x = L2Normalize(b, x, a0);
    y = L2Normalize(b, y, a1);
  }
  const int nx = b.type(x).shape.rank() - 2, ny = b.type(y).shape.rank() - 2;
  x = MoveAxis(b, x, a0, nx + 1);
  y = MoveAxis(b, y, a1, 1);
  if (ny > 0) {
    std::vector<int64_t> dims = {-1};
    for (int d = 1; d <= nx + 1; ++d) dims.push_back(b.type(x).shape[d]);
    dims.insert(dims.end(), ny, 1);
    x = b.Op("Reshape", {x}, {{"shape", dims}});
  }
  if (nx > 0) {
    std::vector<int64_t> dims = {-1};
    dims.insert(dims.end(), nx, 1);
    for (int d = 1; d <= ny + 1; ++d) dims.push_back(b.type(y).shape[d]);
    y = b.Op("Reshape", {y}, {{"shape", dims}});
  }
  // Two rank-2 inputs give (batch, 1), as Keras expands a rank-1 result.
  return b.Op("ReduceSum", {b.Op("Mul", {x, y})},
              {{"axes", std::vector<int64_t>{nx + 1}}, {"keep_dims", nx + ny == 0}});
}

nlohmann::json Dot::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axes"] = one_axis_ ? nlohmann::json(axes_[0]) : nlohmann::json(axes_);
  c["normalize"] = normalize_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  DotOptions o{.name = MergeConfigName(c, "Dot", unsupported)};
  const std::string where = "Dot '" + o.name + "'";
  if (c.contains("normalize")) {
    if (c["normalize"].is_boolean())
      o.normalize = c["normalize"].get<bool>();
    else
      unsupported.push_back(where + ": normalize " + c["normalize"].dump());
  }
  const nlohmann::json axes = c.value("axes", nlohmann::json());
  if (axes.is_number_integer()) return std::make_shared<Dot>(axes.get<int64_t>(), o);
  if (axes.is_array() && axes.size() == 2 && axes[0].is_number_integer() &&
      axes[1].is_number_integer())
    return std::make_shared<Dot>(
        std::array<int64_t, 2>{axes[0].get<int64_t>(), axes[1].get<int64_t>()}, o);
  unsupported.push_back(where + ": axes " + (axes.is_null() ? "missing" : axes.dump()) +
                        " (Kiln takes one integer or a pair)");
  return nullptr;
}
KILN_REGISTER_LAYER("Dot", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

// The op registry. An OpDef says everything the engine knows about an op except how to compute it:
// inputs and outputs with their allowed dtypes, typed attributes with defaults, traits, the shape
// function, and the gradient function (or the reason there is none). Ops live one per file in
// ops/ and register themselves; kernels live in kernels/ and are registered separately.
//
//   KILN_REGISTER_OP(OpDef{
//       .name = "Neg",
//       .inputs = {{"x", kFloatTypes}},
//       .outputs = {{"y"}},
//       .traits = kElementwise,
//       .shape_fn = SameAsInput0,
//       .grad_fn = [](GradContext& c) { return Grads{c.b.Op("Neg", {c.dy(0)})}; },
//   });
//   const OpDef& def = OpRegistry::Global().Get("Neg");   // throws NotFoundError if unknown
//
// Contract: a registered op has a shape_fn, and either a grad_fn or a non-empty
// not_differentiable reason. Names are unique; registration happens before main().
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "graph/attr.h"
#include "graph/graph.h"

namespace kiln {

class GraphBuilder;
struct OpDef;

inline const std::vector<DType> kFloatTypes = {kFloat32, kFloat64};
inline const std::vector<DType> kIndexTypes = {kInt32, kInt64};
inline const std::vector<DType> kNumericTypes = {kFloat32, kFloat64, kInt32, kInt64, kUInt8};
inline const std::vector<DType> kAnyType = {kFloat32, kFloat64, kInt32, kInt64, kUInt8, kBool};

struct ArgDef {
  std::string name;
  std::vector<DType> dtypes = {};  // empty: any dtype
  // Inputs naming the same type variable ("T") must share a dtype; checked with the allowed
  // dtypes in one place (InferOutputTypes), not in shape functions.
  std::string type_var = {};
  // The op writes this input in place (an optimizer's variable and slots, a generator's state).
  // The verifier requires it to be a Variable; placement runs the op where it lives.
  bool written = false;
  // The last input only: it takes one or more values (Concat's), each checked against this
  // ArgDef's dtypes and type variable.
  bool variadic = false;
};

struct AttrDef {
  std::string name;
  AttrType type;
  std::optional<AttrValue> default_value = std::nullopt;  // nullopt: required
};

enum OpTraits : uint32_t {
  kNoTraits = 0,
  kElementwise = 1 << 0,  // output i depends only on element i of the (broadcast) inputs
  kCommutative = 1 << 1,  // f(a, b) == f(b, a)
  kStateful = 1 << 2,     // reads or writes state: never folded, deduplicated or removed as dead
  kSource = 1 << 4,       // no inputs; value comes from outside (feed, variable, constant)
};

// What a shape function sees. Fail() throws kiln::ShapeError naming the op, node and input types.
struct InferenceContext {
  const OpDef& op;
  const std::string& node_name;
  std::span<const TensorType> inputs;
  const AttrMap& attrs;

  const Shape& shape(int i) const { return inputs[i].shape; }
  DType dtype(int i) const { return inputs[i].dtype; }
  [[noreturn]] void Fail(const std::string& message) const;
};
using ShapeFn = std::function<std::vector<TensorType>(const InferenceContext&)>;

// What a gradient function sees: the forward node, its inputs and outputs, and the gradients
// flowing into its outputs (dy(i) is invalid when output i does not reach the loss).
struct GradContext {
  GraphBuilder& b;
  const Node& node;
  std::span<const ValueRef> out_grads;

  ValueRef x(int i) const { return node.inputs[i]; }
  ValueRef y(int i = 0) const { return {node.id, i}; }
  ValueRef dy(int i = 0) const { return out_grads[i]; }
  const AttrMap& attrs() const { return node.attrs; }
};
// One entry per input; an invalid ValueRef means "no gradient flows to this input".
using Grads = std::vector<ValueRef>;
using GradFn = std::function<Grads(GradContext&)>;

struct OpDef {
  std::string name;
  int version = 1;
  std::vector<ArgDef> inputs = {};
  std::vector<ArgDef> outputs = {};
  std::vector<AttrDef> attrs = {};
  uint32_t traits = kNoTraits;
  ShapeFn shape_fn = nullptr;
  GradFn grad_fn = nullptr;
  std::string not_differentiable = {};  // why there is no gradient, when grad_fn is null
  std::string doc = {};
  // Rewrites a node of an older `version` of this op (read from a file) into the current one;
  // null when older versions are not readable. File readers call it.
  std::function<void(Node& node, int from_version)> upgrade = nullptr;

  bool has(OpTraits t) const { return (traits & t) != 0; }
  // Whether input i is written in place (ArgDef::written), and whether any is.
  bool writes_input(size_t i) const { return i < inputs.size() && inputs[i].written; }
  // The ArgDef that node input i binds to (the variadic last one for every extra input).
  const ArgDef& input_arg(size_t i) const;
  bool writes_inputs() const;
  bool differentiable() const { return grad_fn != nullptr; }
};

class OpRegistry {
 public:
  static OpRegistry& Global();
  // Throws kiln::Error on a duplicate name or a def that breaks the contract above.
  void Register(OpDef def);
  const OpDef* Find(const std::string& name) const;
  const OpDef& Get(const std::string& name) const;
  std::vector<const OpDef*> All() const;

 private:
  std::map<std::string, OpDef> ops_;
};

struct OpRegistrar {
  explicit OpRegistrar(OpDef def) { OpRegistry::Global().Register(std::move(def)); }
};

#define KILN_CONCAT_INNER(a, b) a##b
#define KILN_CONCAT(a, b) KILN_CONCAT_INNER(a, b)
#define KILN_REGISTER_OP(...) \
  static const ::kiln::OpRegistrar KILN_CONCAT(kiln_op_registrar_, __LINE__)(__VA_ARGS__)

// Runs `def`'s shape function after checking input count, input dtypes and attributes (filling
// defaults into `attrs`). Throws kiln::ShapeError / TypeError naming the op and node.
std::vector<TensorType> InferOutputTypes(const OpDef& def, const std::string& node_name,
                                         std::span<const TensorType> inputs, AttrMap& attrs);

}  // namespace kiln

// Kernels, keyed by (op, device, dtype). The dtype key is the dtype of the node's first input, or
// of its first output for ops without inputs. A kernel computes into outputs the executor allocated
// with the node's concrete shapes; it never allocates them itself.
//
//   void NegKernel(kiln::KernelContext& c) { ... c.input(0) ... c.output(0) ... }
//   KILN_REGISTER_KERNEL("Neg", "cpu", kFloat32, NegKernel<float>);
//   const KernelDef* k = KernelRegistry::Global().Find("Neg", "cpu", kFloat32);
//
// Besides computing, a kernel may instead say how its output is bound (Binding): aliasing input 0
// (reshapes are views), or taking a feed, a variable or a constant. The executor does the binding.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "graph/graph.h"
#include "graph/tensor.h"

namespace kiln {

class Device;

struct KernelContext {
  const Node& node;
  std::span<const Tensor* const> inputs;
  std::span<Tensor> outputs;
  Device* device = nullptr;  // the device the node runs on

  const Tensor& input(int i) const { return *inputs[i]; }
  // An input the op writes in place (its OpDef marks it ArgDef::written): a handle sharing the
  // input's buffer. Throws kiln::Error for an input the op does not declare written.
  Tensor written_input(int i) const;
  Tensor& output(int i) { return outputs[i]; }
  const AttrMap& attrs() const { return node.attrs; }
};

using KernelFn = std::function<void(KernelContext&)>;

enum class Binding {
  kCompute,      // fn computes the outputs
  kAliasInput0,  // output 0 is input 0's buffer under the output's shape (no copy)
  kFeed,         // output 0 is the tensor fed for this placeholder
  kVariable,     // output 0 is the variable's stored tensor (updates write through it)
  kConst,        // output 0 is the "value" attribute
};

// A kernel whose node attributes are parsed once: `create` runs once per planned node (at plan
// time) and returns the function the executor then calls every run, with the parsed attributes
// captured (a fused activation as an enum, not a string compared per row).
using KernelFactory = std::function<KernelFn(const Node& node)>;

struct KernelDef {
  std::string op;
  std::string device;
  DType dtype;
  KernelFn fn;  // for kernels without attributes to parse; unused when `create` is set
  Binding binding = Binding::kCompute;
  KernelFactory create = nullptr;
};

// The function to run for `node`: def.create(node) when the kernel has a factory, else def.fn.
KernelFn InstantiateKernel(const KernelDef& def, const Node& node);

class KernelRegistry {
 public:
  static KernelRegistry& Global();
  void Register(KernelDef def);  // throws kiln::Error on a duplicate key
  const KernelDef* Find(const std::string& op, const std::string& device, DType dtype) const;
  std::vector<const KernelDef*> All() const;

 private:
  std::map<std::tuple<std::string, std::string, DType>, KernelDef> kernels_;
};

// The dtype a node's kernel is looked up by.
DType KernelKeyDType(const Node& node, std::span<const TensorType> input_types);

struct KernelRegistrar {
  explicit KernelRegistrar(KernelDef def) { KernelRegistry::Global().Register(std::move(def)); }
};

#define KILN_REGISTER_KERNEL_DEF(...) \
  static const ::kiln::KernelRegistrar KILN_KCONCAT(kiln_kernel_, __LINE__)(__VA_ARGS__)
#define KILN_KCONCAT_INNER(a, b) a##b
#define KILN_KCONCAT(a, b) KILN_KCONCAT_INNER(a, b)
#define KILN_REGISTER_KERNEL(op, device, dtype, fn) \
  KILN_REGISTER_KERNEL_DEF(::kiln::KernelDef{op, device, dtype, fn})
// A kernel created once per node from its attributes (see KernelFactory).
#define KILN_REGISTER_KERNEL_FACTORY(op_name, device_name, key_dtype, factory) \
  KILN_REGISTER_KERNEL_DEF(::kiln::KernelDef{                                  \
      .op = op_name, .device = device_name, .dtype = key_dtype, .fn = nullptr, .create = factory})

}  // namespace kiln

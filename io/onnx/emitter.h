// What an ONNX emitter sees: the Kiln node being exported and a builder of ONNX nodes and
// initializers. One emitter per Kiln op, registered by name (the registry is the only global
// state), so adding an op to the exporter touches one emit_*.cc file.
//
//   KILN_ONNX_EMITTER(Relu) { e.Unary("Relu"); }
//   KILN_ONNX_EMITTER(BiasAdd) { e.Bind(0, e.Add("Add", {e.In(0), e.In(1)})); }
//
// Contract: an emitter binds an ONNX tensor name to each Kiln output that has consumers (output
// 0 at least) with Bind, or throws kiln::ValueError naming the node when its attributes have no
// ONNX equivalent.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/variable_store.h"
#include "onnx/onnx_pb.h"

namespace kiln::io::onnx_export {

class Emitter {
 public:
  Emitter(const Graph& graph, const VariableStore* variables, onnx::GraphProto& out,
          std::map<ValueRef, std::string>& names)
      : graph_(graph), variables_(variables), out_(out), names_(names) {}

  void Start(const Node& node) {
    node_ = &node;
    counter_ = 0;
  }
  const Node& node() const { return *node_; }
  const AttrMap& attrs() const { return node_->attrs; }
  const TensorType& InType(int i) const { return graph_.type(node_->inputs.at(i)); }
  const TensorType& OutType(int i = 0) const { return node_->outputs.at(i); }
  // The ONNX name of input i.
  const std::string& In(int i) const;
  void Bind(int output, const std::string& onnx_name);

  // Appends an ONNX node; returns its (first) output's name.
  std::string Add(const std::string& op_type, const std::vector<std::string>& inputs,
                  const std::vector<onnx::AttributeProto>& attrs = {}, int num_outputs = 1);
  std::string Initializer(const Tensor& t, const std::string& name = "");
  std::string Int64s(const std::vector<int64_t>& values);
  std::string FloatScalar(double v, DType dtype);

  // Common shapes of emitters.
  void Unary(const std::string& op_type) { Bind(0, Add(op_type, {In(0)})); }
  void Binary(const std::string& op_type) { Bind(0, Add(op_type, {In(0), In(1)})); }
  std::string Transpose(const std::string& x, const std::vector<int64_t>& perm);
  [[noreturn]] void Fail(const std::string& why) const;

  const VariableStore* variables() const { return variables_; }

 private:
  std::string Fresh(const std::string& suffix);
  const Graph& graph_;
  const VariableStore* variables_;
  onnx::GraphProto& out_;
  std::map<ValueRef, std::string>& names_;
  const Node* node_ = nullptr;
  int counter_ = 0;
};

onnx::AttributeProto IntAttr(const std::string& name, int64_t v);
onnx::AttributeProto IntsAttr(const std::string& name, const std::vector<int64_t>& v);
onnx::AttributeProto FloatAttr(const std::string& name, double v);
int32_t OnnxDType(DType t);  // onnx::TensorProto::DataType
void FillTensor(const Tensor& t, onnx::TensorProto& out);

using EmitFn = std::function<void(Emitter&)>;
std::map<std::string, EmitFn>& EmitterRegistry();
struct RegisterEmitter {
  RegisterEmitter(const std::string& op, EmitFn fn) { EmitterRegistry()[op] = std::move(fn); }
};

}  // namespace kiln::io::onnx_export

#define KILN_ONNX_EMITTER(OP)                                                                  \
  static void EmitOnnx_##OP(::kiln::io::onnx_export::Emitter& e);                              \
  static const ::kiln::io::onnx_export::RegisterEmitter kOnnxEmitter_##OP(#OP, EmitOnnx_##OP); \
  static void EmitOnnx_##OP([[maybe_unused]] ::kiln::io::onnx_export::Emitter& e)

#include "io/onnx/emitter.h"

#include <cstring>

namespace kiln::io::onnx_export {

std::map<std::string, EmitFn>& EmitterRegistry() {
  static std::map<std::string, EmitFn> registry;
  return registry;
}

const std::string& Emitter::In(int i) const {
  auto it = names_.find(node_->inputs.at(i));
  if (it == names_.end())
    Fail("input " + std::to_string(i) + " has no ONNX value (an unsupported producer?)");
  return it->second;
}

void Emitter::Bind(int output, const std::string& onnx_name) {
  names_[ValueRef{node_->id, output}] = onnx_name;
}

std::string Emitter::Fresh(const std::string& suffix) {
  return node_->name + (counter_++ ? "/" + suffix + "_" + std::to_string(counter_) : "/" + suffix);
}

std::string Emitter::Add(const std::string& op_type, const std::vector<std::string>& inputs,
                         const std::vector<onnx::AttributeProto>& attrs, int num_outputs) {
  onnx::NodeProto* n = out_.add_node();
  n->set_op_type(op_type);
  const std::string name = Fresh(op_type);
  n->set_name(name);
  for (const std::string& in : inputs) n->add_input(in);
  for (const auto& a : attrs) *n->add_attribute() = a;
  for (int k = 0; k < num_outputs; ++k) n->add_output(k ? name + ":" + std::to_string(k) : name);
  return name;
}

std::string Emitter::Initializer(const Tensor& t, const std::string& name) {
  onnx::TensorProto* init = out_.add_initializer();
  init->set_name(name.empty() ? Fresh("const") : name);
  FillTensor(t, *init);
  return init->name();
}

std::string Emitter::Int64s(const std::vector<int64_t>& values) {
  return Initializer(
      Tensor::FromVector<int64_t>(values, Shape{static_cast<int64_t>(values.size())}));
}

std::string Emitter::FloatScalar(double v, DType dtype) {
  if (dtype == kFloat64) return Initializer(Tensor::Scalar<double>(v));
  if (dtype != kFloat32) Fail("expected a float32 or float64 operand");
  return Initializer(Tensor::Scalar<float>(static_cast<float>(v)));
}

std::string Emitter::Transpose(const std::string& x, const std::vector<int64_t>& perm) {
  return Add("Transpose", {x}, {IntsAttr("perm", perm)});
}

void Emitter::Fail(const std::string& why) const {
  const std::string layer = node_->name.substr(0, node_->name.find('/'));
  throw ValueError("ONNX export: node '" + node_->name + "' (op " + node_->op + ", layer '" +
                   layer + "'): " + why);
}

onnx::AttributeProto IntAttr(const std::string& name, int64_t v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(v);
  return a;
}

onnx::AttributeProto IntsAttr(const std::string& name, const std::vector<int64_t>& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
  return a;
}

onnx::AttributeProto FloatAttr(const std::string& name, double v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(static_cast<float>(v));
  return a;
}

int32_t OnnxDType(DType t) {
  switch (t) {
    case kFloat32:
      return onnx::TensorProto::FLOAT;
    case kFloat64:
      return onnx::TensorProto::DOUBLE;
    case kInt32:
      return onnx::TensorProto::INT32;
    case kInt64:
      return onnx::TensorProto::INT64;
    case kUInt8:
      return onnx::TensorProto::UINT8;
    case kBool:
      return onnx::TensorProto::BOOL;
  }
  throw TypeError("ONNX export: unknown dtype");
}

void FillTensor(const Tensor& t, onnx::TensorProto& out) {
  out.set_data_type(OnnxDType(t.dtype()));
  for (int64_t d : t.shape().dims()) out.add_dims(d);
  // raw_data is little-endian row-major, which is Kiln's in-memory layout on x86-64 and ARM.
  out.set_raw_data(std::string(static_cast<const char*>(t.raw()), t.nbytes()));
}

}  // namespace kiln::io::onnx_export

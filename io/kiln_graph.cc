#include "io/kiln_graph.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "graph/op_def.h"
#include "graph/topo_sort.h"
#include "graph/verifier.h"
#include "io/atomic_file.h"
#include "io/regular_file.h"
#include "io/schema/kiln_graph_generated.h"

namespace kiln::io {
namespace {

namespace fbs = ::kiln::fb;

// The file's codes are the schema's enums, never the C++ declaration order: the one mapping each
// way is here.
fbs::DType ToFb(DType t) {
  switch (t) {
    case kFloat32:
      return fbs::DType::FLOAT32;
    case kFloat64:
      return fbs::DType::FLOAT64;
    case kInt32:
      return fbs::DType::INT32;
    case kInt64:
      return fbs::DType::INT64;
    case kUInt8:
      return fbs::DType::UINT8;
    case kBool:
      return fbs::DType::BOOL;
  }
  throw Error("kiln_graph: unmapped dtype");
}

fbs::AttrType ToFb(AttrType t) {
  switch (t) {
    case AttrType::kBool:
      return fbs::AttrType::BOOL;
    case AttrType::kInt:
      return fbs::AttrType::INT;
    case AttrType::kFloat:
      return fbs::AttrType::FLOAT;
    case AttrType::kString:
      return fbs::AttrType::STRING;
    case AttrType::kInts:
      return fbs::AttrType::INTS;
    case AttrType::kDType:
      return fbs::AttrType::DTYPE;
    case AttrType::kTensor:
      return fbs::AttrType::TENSOR;
  }
  throw Error("kiln_graph: unmapped attribute type");
}

class Writer {
 public:
  Writer() { buffers_.push_back(fbs::CreateBuffer(b_)); }  // buffer 0: empty

  uint32_t AddBuffer(const Tensor& t) {
    b_.ForceVectorAlignment(t.nbytes(), 1, 16);
    auto data = b_.CreateVector(static_cast<const uint8_t*>(t.raw()), t.nbytes());
    buffers_.push_back(fbs::CreateBuffer(b_, data));
    return static_cast<uint32_t>(buffers_.size() - 1);
  }

  uint32_t OpCode(const std::string& op) {
    auto it = opcodes_.find(op);
    if (it != opcodes_.end()) return it->second;
    const int version = OpRegistry::Global().Get(op).version;
    codes_.push_back(fbs::CreateOperatorCode(b_, b_.CreateString(op), version));
    return opcodes_[op] = static_cast<uint32_t>(codes_.size() - 1);
  }

  flatbuffers::Offset<fbs::Attr> AttrOf(const std::string& name, const AttrValue& v) {
    auto n = b_.CreateString(name);
    const AttrType type = TypeOf(v);
    flatbuffers::Offset<flatbuffers::String> s;
    flatbuffers::Offset<flatbuffers::Vector<int64_t>> ints;
    flatbuffers::Offset<fbs::TensorValue> tensor;
    if (type == AttrType::kString) s = b_.CreateString(std::get<std::string>(v));
    if (type == AttrType::kInts) ints = b_.CreateVector(std::get<std::vector<int64_t>>(v));
    if (type == AttrType::kTensor) {
      const Tensor& t = std::get<Tensor>(v);
      const uint32_t buf = AddBuffer(t);
      tensor = fbs::CreateTensorValue(b_, ToFb(t.dtype()), b_.CreateVector(t.shape().dims()), buf);
    }
    fbs::AttrBuilder a(b_);
    a.add_name(n);
    a.add_type(ToFb(type));
    if (type == AttrType::kBool) a.add_b(std::get<bool>(v));
    if (type == AttrType::kInt) a.add_i(std::get<int64_t>(v));
    if (type == AttrType::kFloat) a.add_f(std::get<double>(v));
    if (type == AttrType::kString) a.add_s(s);
    if (type == AttrType::kInts) a.add_ints(ints);
    if (type == AttrType::kDType) a.add_dtype(ToFb(std::get<DType>(v)));
    if (type == AttrType::kTensor) a.add_tensor(tensor);
    return a.Finish();
  }

  flatbuffers::Offset<fbs::SubGraph> SubGraph(const SubGraphDef& sg, const VariableStore& vars,
                                              std::map<std::string, uint32_t>& var_buffers) {
    const Graph& g = sg.graph;
    std::vector<int> targets = sg.targets;
    for (const ValueRef& o : sg.outputs) targets.push_back(o.node);
    const std::vector<int> order = TopologicalOrder(g, targets);
    std::map<ValueRef, int> tensor_index;
    std::vector<flatbuffers::Offset<fbs::Tensor>> tensors;
    std::vector<flatbuffers::Offset<fbs::Node>> nodes;
    std::map<int, int> node_index;
    for (int id : order) {
      const Node& n = g.node(id);
      std::vector<int> outs;
      for (int i = 0; i < static_cast<int>(n.outputs.size()); ++i) {
        uint32_t buf = 0;
        if (n.op == "Variable") {
          auto it = var_buffers.find(n.name);
          buf = it != var_buffers.end() ? it->second
                                        : (var_buffers[n.name] = AddBuffer(vars.Get(n.name)));
        }
        const std::string tname = n.outputs.size() == 1 ? n.name : n.name + ":" + std::to_string(i);
        tensors.push_back(fbs::CreateTensor(b_, b_.CreateString(tname), ToFb(n.outputs[i].dtype),
                                            b_.CreateVector(n.outputs[i].shape.dims()), buf));
        tensor_index[{id, i}] = static_cast<int>(tensors.size() - 1);
        outs.push_back(static_cast<int>(tensors.size() - 1));
      }
      std::vector<int> ins;
      for (const ValueRef& in : n.inputs) ins.push_back(tensor_index.at(in));
      std::vector<flatbuffers::Offset<fbs::Attr>> attrs;
      for (const auto& [k, v] : n.attrs.items()) attrs.push_back(AttrOf(k, v));
      nodes.push_back(fbs::CreateNode(b_, b_.CreateString(n.name), OpCode(n.op),
                                      b_.CreateVector(ins), b_.CreateVector(outs),
                                      b_.CreateVector(attrs), b_.CreateString(n.device)));
      node_index[id] = static_cast<int>(nodes.size() - 1);
    }
    std::vector<int> inputs, outputs, target_nodes;
    for (const ValueRef& v : sg.inputs) inputs.push_back(tensor_index.at(v));
    for (const ValueRef& v : sg.outputs) outputs.push_back(tensor_index.at(v));
    for (int t : sg.targets) target_nodes.push_back(node_index.at(t));
    return fbs::CreateSubGraph(b_, b_.CreateString(sg.name), b_.CreateVector(tensors),
                               b_.CreateVector(nodes), b_.CreateVector(inputs),
                               b_.CreateVector(outputs), b_.CreateVector(target_nodes));
  }

  std::string Finish(const GraphFile& file) {
    std::map<std::string, uint32_t> var_buffers;
    std::vector<flatbuffers::Offset<fbs::SubGraph>> subgraphs;
    for (const auto& sg : file.subgraphs)
      subgraphs.push_back(SubGraph(sg, file.variables, var_buffers));
    std::vector<flatbuffers::Offset<fbs::Metadata>> meta;
    for (const auto& [k, v] : file.metadata)
      meta.push_back(fbs::CreateMetadata(b_, b_.CreateString(k), b_.CreateString(v)));
    auto model = fbs::CreateModel(b_, kGraphFormatVersion, b_.CreateVector(codes_),
                                  b_.CreateVector(subgraphs), b_.CreateVector(buffers_),
                                  b_.CreateVector(meta));
    fbs::FinishModelBuffer(b_, model);
    return std::string(reinterpret_cast<const char*>(b_.GetBufferPointer()), b_.GetSize());
  }

 private:
  flatbuffers::FlatBufferBuilder b_{1 << 16};
  std::vector<flatbuffers::Offset<fbs::Buffer>> buffers_;
  std::vector<flatbuffers::Offset<fbs::OperatorCode>> codes_;
  std::map<std::string, uint32_t> opcodes_;
};

// ------------------------------------------------------------------------------------------

[[noreturn]] void Bad(const std::string& what, const std::string& message) {
  throw IOError(what + ": " + message);
}

DType FromFb(fbs::DType t, const std::string& what) {
  switch (t) {
    case fbs::DType::FLOAT32:
      return kFloat32;
    case fbs::DType::FLOAT64:
      return kFloat64;
    case fbs::DType::INT32:
      return kInt32;
    case fbs::DType::INT64:
      return kInt64;
    case fbs::DType::UINT8:
      return kUInt8;
    case fbs::DType::BOOL:
      return kBool;
  }
  Bad(what, "invalid dtype " + std::to_string(static_cast<int>(t)));
}

std::optional<AttrType> FromFb(fbs::AttrType t) {
  switch (t) {
    case fbs::AttrType::BOOL:
      return AttrType::kBool;
    case fbs::AttrType::INT:
      return AttrType::kInt;
    case fbs::AttrType::FLOAT:
      return AttrType::kFloat;
    case fbs::AttrType::STRING:
      return AttrType::kString;
    case fbs::AttrType::INTS:
      return AttrType::kInts;
    case fbs::AttrType::DTYPE:
      return AttrType::kDType;
    case fbs::AttrType::TENSOR:
      return AttrType::kTensor;
  }
  return std::nullopt;
}

// A [long] vector's values, copied byte-wise: a hostile file may leave them misaligned.
std::vector<int64_t> Longs(const flatbuffers::Vector<int64_t>* v) {
  std::vector<int64_t> out(v ? v->size() : 0);
  if (!out.empty()) std::memcpy(out.data(), v->Data(), out.size() * sizeof(int64_t));
  return out;
}

Shape ShapeOf(const flatbuffers::Vector<int64_t>* dims, const std::string& what) {
  std::vector<int64_t> d = Longs(dims);
  for (int64_t x : d)
    if (x < -1) Bad(what, "invalid dimension " + std::to_string(x));
  return Shape(d);
}

Tensor TensorFromBuffer(const fbs::Model* m, uint32_t index, DType dtype, const Shape& shape,
                        const std::string& what) {
  if (!shape.IsFullyDefined()) Bad(what, "a stored tensor has unknown dimensions");
  if (!m->buffers() || index >= m->buffers()->size())
    Bad(what, "buffer index " + std::to_string(index) + " out of range");
  const auto* data = m->buffers()->Get(index)->data();
  const size_t have = data ? data->size() : 0;
  const std::optional<int64_t> elements = CheckedNumElements(shape.dims());
  if (!elements || static_cast<uint64_t>(*elements) > have / DTypeSize(dtype) ||
      static_cast<size_t>(*elements) * DTypeSize(dtype) != have)
    Bad(what, "buffer " + std::to_string(index) + " holds " + std::to_string(have) +
                  " bytes, not what shape " + shape.ToString() + " of " +
                  std::string(DTypeName(dtype)) + " needs");
  Tensor t(dtype, shape);
  if (have) std::memcpy(t.raw(), data->data(), have);
  return t;
}

}  // namespace

const SubGraphDef* GraphFile::Find(const std::string& name) const {
  for (const auto& sg : subgraphs)
    if (sg.name == name) return &sg;
  return nullptr;
}

void WriteGraphFile(const GraphFile& file, const std::string& path) {
  const std::string bytes = Writer().Finish(file);
  WriteFileAtomically(path, [&](const std::string& tmp) { WriteBytes(tmp, {bytes}); });
}

bool IsGraphFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  return in.read(head, 8) && std::memcmp(head + 4, "KILN", 4) == 0;
}

GraphFile ParseGraphFile(const uint8_t* data, size_t size, const std::string& what) {
  flatbuffers::Verifier verifier(data, size, /*max_depth=*/64, /*max_tables=*/1u << 22);
  if (data == nullptr || size < 8 || !fbs::ModelBufferHasIdentifier(data) ||
      !fbs::VerifyModelBuffer(verifier))
    Bad(what, "not a valid .kiln file (FlatBuffers verification failed: truncated or corrupt)");
  const fbs::Model* m = fbs::GetModel(data);
  if (m->version() == 0 || m->version() > kGraphFormatVersion)
    Bad(what, "format version " + std::to_string(m->version()) +
                  " is not supported (this Kiln reads 1 to " + std::to_string(kGraphFormatVersion) +
                  ")");
  GraphFile file;
  file.version = m->version();
  if (m->metadata())
    for (const auto* md : *m->metadata())
      if (md->key() && md->value()) file.metadata[md->key()->str()] = md->value()->str();
  std::vector<std::string> ops;
  std::vector<int> op_versions;
  if (m->operator_codes())
    for (const auto* oc : *m->operator_codes()) {
      const std::string name = oc->name() ? oc->name()->str() : "";
      const OpDef* def = OpRegistry::Global().Find(name);
      if (!def) Bad(what, "unknown op '" + name + "' (this Kiln has no such op)");
      const bool upgradable = oc->version() >= 1 && oc->version() < def->version && def->upgrade;
      if (oc->version() != def->version && !upgradable)
        Bad(what, "op '" + name + "' version " + std::to_string(oc->version()) +
                      " is not supported (this Kiln has version " + std::to_string(def->version) +
                      ")");
      ops.push_back(name);
      op_versions.push_back(oc->version());
    }
  if (!m->subgraphs() || m->subgraphs()->size() == 0) Bad(what, "no subgraphs");
  for (const auto* sg : *m->subgraphs()) {
    SubGraphDef def;
    def.name = sg->name() ? sg->name()->str() : "";
    const auto* tensors = sg->tensors();
    const int n_tensors = tensors ? static_cast<int>(tensors->size()) : 0;
    std::vector<ValueRef> value_of(n_tensors);
    std::vector<char> defined(n_tensors, 0);
    auto tensor_at = [&](int i, const std::string& ctx) -> ValueRef {
      if (i < 0 || i >= n_tensors || !defined[i])
        Bad(what, ctx + ": tensor index " + std::to_string(i) + " is invalid");
      return value_of[i];
    };
    std::vector<int> node_id;
    if (sg->nodes())
      for (const auto* fn : *sg->nodes()) {
        Node n;
        n.name = fn->name() ? fn->name()->str() : "";
        const std::string ctx = "node '" + n.name + "'";
        if (fn->opcode_index() >= ops.size()) Bad(what, ctx + ": opcode index out of range");
        n.op = ops[fn->opcode_index()];
        n.device = fn->device() ? fn->device()->str() : "cpu";
        if (fn->inputs())
          for (int i : *fn->inputs()) n.inputs.push_back(tensor_at(i, ctx));
        if (fn->attrs())
          for (const auto* a : *fn->attrs()) {
            const std::string an = a->name() ? a->name()->str() : "";
            const std::optional<AttrType> type = FromFb(a->type());
            if (!type) Bad(what, ctx + ": attribute '" + an + "' has an unknown type");
            switch (*type) {
              case AttrType::kBool:
                n.attrs.Set(an, a->b());
                break;
              case AttrType::kInt:
                n.attrs.Set(an, static_cast<int64_t>(a->i()));
                break;
              case AttrType::kFloat:
                n.attrs.Set(an, a->f());
                break;
              case AttrType::kString:
                n.attrs.Set(an, a->s() ? a->s()->str() : std::string());
                break;
              case AttrType::kInts:
                n.attrs.Set(an, Longs(a->ints()));
                break;
              case AttrType::kDType:
                n.attrs.Set(an, FromFb(a->dtype(), what));
                break;
              case AttrType::kTensor: {
                if (!a->tensor()) Bad(what, ctx + ": tensor attribute '" + an + "' has no value");
                const DType dt = FromFb(a->tensor()->dtype(), what);
                n.attrs.Set(an, TensorFromBuffer(m, a->tensor()->buffer(), dt,
                                                 ShapeOf(a->tensor()->shape(), what), what));
                break;
              }
            }
          }
        if (!fn->outputs()) Bad(what, ctx + ": no outputs list");
        for (int i : *fn->outputs()) {
          if (i < 0 || i >= n_tensors || defined[i])
            Bad(what, ctx + ": output tensor index " + std::to_string(i) + " is invalid");
          const auto* t = tensors->Get(i);
          n.outputs.push_back({FromFb(t->dtype(), what), ShapeOf(t->shape(), what)});
        }
        if (n.outputs.size() != OpRegistry::Global().Get(n.op).outputs.size())
          Bad(what, ctx + ": " + n.op + " has " +
                        std::to_string(OpRegistry::Global().Get(n.op).outputs.size()) +
                        " outputs, the file lists " + std::to_string(n.outputs.size()));
        if (def.graph.IsNameTaken(n.name)) Bad(what, ctx + ": duplicate node name");
        if (n.op == "Variable") {
          const auto* t = tensors->Get((*fn->outputs())[0]);
          if (t->buffer() == 0) Bad(what, ctx + ": variable without a value");
          if (!file.variables.Has(n.name))
            file.variables.Set(n.name, TensorFromBuffer(m, t->buffer(), n.outputs[0].dtype,
                                                        n.outputs[0].shape, what));
        }
        const std::vector<int> outs(fn->outputs()->begin(), fn->outputs()->end());
        const OpDef& op_def = OpRegistry::Global().Get(n.op);
        if (op_versions[fn->opcode_index()] != op_def.version) {
          op_def.upgrade(n, op_versions[fn->opcode_index()]);
          if (n.inputs.size() != op_def.inputs.size())
            Bad(what, ctx + ": " + n.op + " version " +
                          std::to_string(op_versions[fn->opcode_index()]) + " has " +
                          std::to_string(n.inputs.size()) + " inputs");
        }
        const int id = def.graph.AddNode(std::move(n));
        node_id.push_back(id);
        for (size_t k = 0; k < outs.size(); ++k) {
          value_of[outs[k]] = {id, static_cast<int>(k)};
          defined[outs[k]] = 1;
        }
      }
    if (sg->inputs())
      for (int i : *sg->inputs())
        def.inputs.push_back(tensor_at(i, "subgraph '" + def.name + "' inputs"));
    if (sg->outputs())
      for (int i : *sg->outputs())
        def.outputs.push_back(tensor_at(i, "subgraph '" + def.name + "' outputs"));
    if (sg->targets())
      for (int i : *sg->targets()) {
        if (i < 0 || i >= static_cast<int>(node_id.size()))
          Bad(what, "subgraph '" + def.name + "': target out of range");
        def.targets.push_back(node_id[i]);
      }
    try {
      VerifyGraph(def.graph);
    } catch (const Error& e) {
      Bad(what, "subgraph '" + def.name + "': " + e.what());
    }
    file.subgraphs.push_back(std::move(def));
  }
  return file;
}

GraphFile ReadGraphFile(const std::string& path) {
  RequireRegularFile(path);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // FlatBuffers reads scalars in place: give it an 8-byte-aligned copy.
  std::vector<uint64_t> aligned((bytes.size() + 7) / 8);
  if (!bytes.empty()) std::memcpy(aligned.data(), bytes.data(), bytes.size());
  return ParseGraphFile(reinterpret_cast<const uint8_t*>(aligned.data()), bytes.size(), path);
}

}  // namespace kiln::io

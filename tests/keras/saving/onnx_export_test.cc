// ONNX export of the tutorial MLP and a small CNN, read back with protobuf and checked with
// libonnx's checker and shape inference: the node sequence, the initializers (exactly Kiln's
// weights), the metadata, and the refusal of a model with an unsupported op (no file written).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "io/onnx/onnx_writer.h"
#include "keras/saving/kiln_export.h"
#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "tests/keras/saving/onnx_models.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / name).string();
}

onnx::ModelProto Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromIstream(&in)) << path;
  return m;
}

std::vector<std::string> OpTypes(const onnx::ModelProto& m) {
  std::vector<std::string> ops;
  for (const auto& n : m.graph().node()) ops.push_back(n.op_type());
  return ops;
}

const onnx::TensorProto& InitializerNamed(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& t : m.graph().initializer())
    if (t.name() == name) return t;
  throw NotFoundError("no initializer " + name);
}

// Every Variable of the serving graph is an initializer with its name, shape and exact bytes.
void ExpectWeightsEqual(Model& model, const onnx::ModelProto& m) {
  const auto view = model.serving_view();
  int variables = 0;
  for (int id : view.graph.NodeIds()) {
    const Node& n = view.graph.node(id);
    if (n.op != "Variable") continue;
    ++variables;
    const Tensor& w = model.variables().Get(n.name);
    const onnx::TensorProto& t = InitializerNamed(m, n.name);
    EXPECT_EQ(t.data_type(), onnx::TensorProto::FLOAT) << n.name;
    EXPECT_EQ(std::vector<int64_t>(t.dims().begin(), t.dims().end()), w.shape().dims()) << n.name;
    ASSERT_EQ(t.raw_data().size(), w.nbytes()) << n.name;
    std::vector<float> got(w.num_elements());
    std::memcpy(got.data(), t.raw_data().data(), w.nbytes());
    EXPECT_EQ(got, w.ToVector<float>()) << n.name;
  }
  EXPECT_GT(variables, 0);
}

void CheckWithLibonnx(onnx::ModelProto& m) {
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  onnx::shape_inference::InferShapes(m);  // throws on an inconsistent graph
}

TEST(OnnxExport, TutorialMlp) {
  utils::set_random_seed(1);
  Sequential model = testing::TutorialMlp();
  const std::string path = TempPath("mlp.onnx");
  model.export_onnx(path);
  onnx::ModelProto m = Read(path);
  EXPECT_EQ(m.ir_version(), 8);
  ASSERT_EQ(m.opset_import_size(), 1);
  EXPECT_EQ(m.opset_import(0).version(), 17);
  EXPECT_EQ(m.producer_name(), "kiln");
  EXPECT_EQ(m.producer_version(), saving::kKilnVersion);
  CheckWithLibonnx(m);
  // Flatten, then each Dense's FusedMatMul expanded into Gemm + its activation.
  EXPECT_EQ(OpTypes(m), (std::vector<std::string>{"Reshape", "Gemm", "Relu", "Gemm", "Relu", "Gemm",
                                                  "Relu", "Gemm", "Softmax", "Identity"}));
  ASSERT_EQ(m.graph().input_size(), 1);
  const auto& in = m.graph().input(0);
  EXPECT_EQ(in.name(), model.input_name());
  const auto& dims = in.type().tensor_type().shape().dim();
  ASSERT_EQ(dims.size(), 3);
  EXPECT_EQ(dims[0].dim_param(), "N");
  EXPECT_EQ(dims[1].dim_value(), 28);
  ASSERT_EQ(m.graph().output_size(), 1);
  EXPECT_EQ(m.graph().output(0).name(), model.output_names()[0]);
  // Gemm's B is the kernel [k, n] as Kiln stores it, C the bias.
  const auto& gemm = m.graph().node(1);
  EXPECT_EQ(InitializerNamed(m, gemm.input(1)).dims(0), 784);
  EXPECT_EQ(InitializerNamed(m, gemm.input(1)).dims(1), 128);
  EXPECT_EQ(InitializerNamed(m, gemm.input(2)).dims(0), 128);
  ExpectWeightsEqual(model, m);
}

TEST(OnnxExport, CnnWithBatchNormalization) {
  utils::set_random_seed(2);
  Sequential model = testing::SmallCnn();
  model.Build();
  testing::PerturbVectorWeights(model, 3);
  const std::string path = TempPath("cnn.onnx");
  model.export_onnx(path);
  onnx::ModelProto m = Read(path);
  CheckWithLibonnx(m);
  std::map<std::string, int> counts;
  for (const std::string& op : OpTypes(m)) ++counts[op];
  EXPECT_EQ(counts["Conv"], 2);
  EXPECT_EQ(counts["MaxPool"], 2);
  EXPECT_EQ(counts["Gemm"], 2);
  EXPECT_EQ(counts["Softmax"], 1);
  // Each Conv and MaxPool: NHWC -> NCHW and back; each Conv's filter to [out, in, kh, kw].
  EXPECT_EQ(counts["Transpose"], 2 * 4 + 2);
  for (const auto& n : m.graph().node()) {
    if (n.op_type() != "Conv") continue;
    for (const auto& a : n.attribute())
      if (a.name() == "pads" && n.name().starts_with("conv2d_1/"))
        EXPECT_EQ(std::vector<int64_t>(a.ints().begin(), a.ints().end()),
                  (std::vector<int64_t>{1, 1, 1, 1}));  // "same" 3x3
  }
  ExpectWeightsEqual(model, m);
}

TEST(OnnxExport, UnsupportedOpNamesLayerAndWritesNothing) {
  KerasTensor in = Input({.shape = {4}, .dtype = kInt32, .name = "tokens"});
  KerasTensor x = layers::Embedding(20, 3)(in);
  Model model({.inputs = {in}, .outputs = {layers::Flatten()(x)}, .name = "embed"});
  const std::string path = TempPath("embed.onnx");
  std::filesystem::remove(path);
  const std::string msg = ::kiln::testing::ErrorOf([&] { model.export_onnx(path); });
  EXPECT_NE(msg.find("ONNX export"), std::string::npos) << msg;
  EXPECT_NE(msg.find("op Gather"), std::string::npos) << msg;
  EXPECT_NE(msg.find("layer 'embedding"), std::string::npos) << msg;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(OnnxExport, RegistryCoversTheApplicationsOps) {
  const std::vector<std::string> ops = io::OnnxSupportedOps();
  for (const char* op :
       {"Conv2D", "DepthwiseConv2D", "FusedMatMul", "MatMul", "BiasAdd", "MaxPool2D", "AvgPool2D",
        "Pad", "Concat", "ReduceMean", "Reshape", "Softmax", "Variable", "Const"})
    EXPECT_NE(std::find(ops.begin(), ops.end(), op), ops.end()) << op;
}

}  // namespace
}  // namespace kiln::keras

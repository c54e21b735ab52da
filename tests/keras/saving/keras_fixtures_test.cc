// Files written by real tf.keras 2.21 and Keras 3.15 (tests/fixtures/keras/gen, made by
// scripts/keras_fixtures/make_fixtures.py): Kiln loads each and predicts what the writer predicted
// (<file>.y.npy for <file>.x.npy) within 1e-5.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "io/h5.h"
#include "io/npy.h"
#include "keras/keras.h"
#include "keras/model_config.h"
#include "keras/saving/keras_h5.h"
#include "keras/saving/model_file_info.h"
#include "tests/testing/testing.h"

namespace kiln::keras::saving {
namespace {

using ::kiln::testing::ErrorOf;
using ::kiln::testing::MaxAbsDiff;

std::string Gen(const std::string& name) { return "tests/fixtures/keras/gen/" + name; }

// Kiln's prediction for the writer's input, and the writer's own prediction.
std::pair<Tensor, Tensor> PredictBoth(Model& m, const std::string& file) {
  const Tensor x = npy::Load(Gen(file + ".x.npy"));
  return {m.predict(x), npy::Load(Gen(file + ".y.npy"))};
}

void ExpectPredictsLikeKeras(Model& m, const std::string& file) {
  auto [got, want] = PredictBoth(m, file);
  ASSERT_EQ(got.shape(), want.shape()) << file;
  EXPECT_LE(MaxAbsDiff(got, want), 1e-5) << file;
}

std::unique_ptr<Model> LoadAndExpectPredictions(const std::string& file) {
  auto m = keras::load_model(Gen(file));
  ExpectPredictsLikeKeras(*m, file);
  return m;
}

// The variables of layers/<group>/vars in a .keras archive.
Tensor ArchiveVar(const std::string& archive, const std::string& dataset) {
  h5::File f = OpenArchiveWeights(Gen(archive));
  return h5::ReadDataset(f.id(), dataset);
}

TEST(Keras3Archive, WeightsFollowTheObjectTreeNotTheLayerNames) {
  // Layer 'dense_1' (8x6) comes first and is stored at layers/dense; layer 'dense' (6x3) at
  // layers/dense_1. Matching by name swapped them.
  const std::string file = "keras-3.15_swapped-names.keras";
  auto m = LoadAndExpectPredictions(file);
  ASSERT_EQ(m->layers().size(), 2u);
  EXPECT_EQ(m->layers()[0]->name(), "dense_1");
  EXPECT_EQ(m->layers()[1]->name(), "dense");
  EXPECT_TRUE(m->get_weights()[0].BitwiseEquals(ArchiveVar(file, "layers/dense/vars/0")));
  EXPECT_TRUE(m->get_weights()[2].BitwiseEquals(ArchiveVar(file, "layers/dense_1/vars/0")));
  // load_weights into a model built in code reads the same positions, whatever its names.
  Sequential same({layers::Dense(6, {.activation = "relu", .input_shape = {8}, .name = "x"}),
                   layers::Dense(3, {.activation = "softmax", .name = "dense_1"})});
  same.load_weights(Gen(file));
  ExpectPredictsLikeKeras(same, file);
}

TEST(Keras3Archive, LoadingWritesNoTemporaryFile) {
  // The archive's model.weights.h5 is opened in memory: nothing for a killed process to leave.
  const auto tmp = std::filesystem::temp_directory_path();
  auto entries = [&] {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(tmp)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  };
  const std::vector<std::string> before = entries();
  auto m = LoadAndExpectPredictions("keras-3.15_compiled-adam.keras");
  m->load_weights(Gen("keras-3.15_compiled-adam.keras"));
  EXPECT_EQ(entries(), before);
}

TEST(Keras3Archive, CustomLayerNamesLoad) {
  auto seq = LoadAndExpectPredictions("keras-3.15_custom-names.keras");
  EXPECT_EQ(seq->layers()[0]->name(), "hidden");
  EXPECT_EQ(seq->layers()[1]->name(), "logits");
  // The legacy .h5 that Keras 3 writes for the same model names its groups by layer name.
  LoadAndExpectPredictions("keras-3.15_custom-names.h5");
  // Functional: layers/input_layer (no variables), layers/dense = 'encoder', layers/dense_1 =
  // 'head'.
  auto fn = LoadAndExpectPredictions("keras-3.15_functional-custom-names.keras");
  EXPECT_EQ(fn->input_name(), "features");
  // A functional model's layers begin with its InputLayer, as Keras's do.
  EXPECT_EQ(fn->layers()[0]->name(), "features");
  EXPECT_EQ(fn->layers()[1]->name(), "encoder");
  EXPECT_TRUE(fn->get_weights()[2].BitwiseEquals(
      ArchiveVar("keras-3.15_functional-custom-names.keras", "layers/dense_1/vars/0")));
}

TEST(Keras3Archive, MissingObjectPathNamesTheLayerAndThePath) {
  // Three Dense layers need layers/dense_2, which a two-Dense file lacks.
  Sequential three({layers::Dense(6, {.input_shape = {8}}), layers::Dense(3), layers::Dense(2)});
  const std::string msg =
      ErrorOf([&] { three.load_weights(Gen("keras-3.15_swapped-names.keras")); });
  EXPECT_NE(msg.find("at layers/dense_2/vars"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the file has layers: dense dense_1"), std::string::npos) << msg;
}

TEST(Keras3Archive, PathsUseKerasSnakeCasePerClass) {
  EXPECT_EQ(Keras3SnakeCase("Conv2D"), "conv2d");
  EXPECT_EQ(Keras3SnakeCase("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(Keras3SnakeCase("MaxPooling2D"), "max_pooling2d");
  EXPECT_EQ(Keras3SnakeCase("Conv2DTranspose"), "conv2d_transpose");
  EXPECT_EQ(Keras3SnakeCase("ReLU"), "re_lu");
  EXPECT_EQ(Keras3LayerPaths({"InputLayer", "Dense", "Flatten", "Dense", "Conv2D", "Dense"}),
            (std::vector<std::string>{"layers/input_layer", "layers/dense", "layers/flatten",
                                      "layers/dense_1", "layers/conv2d", "layers/dense_2"}));
}

TEST(Keras3Archive, InspectorAttributesWeightsToTheRealLayerNames) {
  const ModelFileInfo info = ReadModelFileInfo(Gen("keras-3.15_swapped-names.keras"));
  std::map<std::string, int64_t> params;
  for (const auto& l : info.layers) params[l.name] = l.params;
  EXPECT_EQ(params["dense_1"], 8 * 6 + 6);  // not the 6x3 layer's 21
  EXPECT_EQ(params["dense"], 6 * 3 + 3);
  ASSERT_EQ(info.weights.size(), 4u);
  EXPECT_EQ(info.weights[0].layer, "dense_1");
  EXPECT_EQ(info.weights[0].name, "layers/dense/vars/0");
}

TEST(Keras3Archive, CompileConfigAndVersionAreRead) {
  const std::string file = "keras-3.15_compiled-adam.keras";
  ::testing::internal::CaptureStderr();
  auto m = LoadAndExpectPredictions(file);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(m->compiled()) << warnings;
  EXPECT_EQ(m->optimizer()->class_name(), "Adam");
  EXPECT_NEAR(m->optimizer()->get_config()["learning_rate"].get<double>(), 0.01, 1e-8);
  EXPECT_EQ(m->output_training()[0].loss.name(), "categorical_crossentropy");
  EXPECT_EQ(m->output_training()[0].metrics, std::vector<metrics::Metric>{"accuracy"});
  // Keras 3's optimizer variables (optimizer/vars) are restored: the writer's step count is back.
  EXPECT_EQ(warnings.find("optimizer"), std::string::npos) << warnings;
  EXPECT_GT(m->optimizer()->iterations(), 0);
  // The compiled model trains: one step on the writer's batch moves the weights.
  const Tensor x = npy::Load(Gen(file + ".x.npy"));
  Tensor y(kFloat32, {x.dim(0), 3});
  for (int64_t i = 0; i < x.dim(0); ++i) y.data<float>()[i * 3 + i % 3] = 1;
  const Tensor before = m->get_weights()[0];
  m->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0});
  EXPECT_GT(MaxAbsDiff(before, m->get_weights()[0]), 1e-4);

  const ModelFileInfo info = ReadModelFileInfo(Gen(file));
  EXPECT_EQ(info.keras_version, "3.15.1");
  ASSERT_TRUE(info.training_config.has_value());
  EXPECT_EQ((*info.training_config)["optimizer_config"]["class_name"], "Adam");
  EXPECT_EQ((*info.training_config)["loss"], "categorical_crossentropy");
  // An archive without compile_config stays uncompiled and reports no training config.
  EXPECT_FALSE(keras::load_model(Gen("keras-3.15_custom-names.keras"))->compiled());
  EXPECT_FALSE(ReadModelFileInfo(Gen("keras-3.15_custom-names.keras")).training_config);
}

TEST(Keras3Archive, CompileConfigForms) {
  // An optimizer given by name, and a loss object with default arguments.
  auto tc = TrainingConfigFromCompileConfig(nlohmann::json::parse(R"({
      "optimizer": "rmsprop",
      "loss": {"module": "keras.losses", "class_name": "MeanSquaredError",
               "config": {"name": "mean_squared_error", "reduction": "sum_over_batch_size"}},
      "metrics": [{"module": "builtins", "class_name": "function", "config": "mse"}]})"));
  EXPECT_EQ(tc["optimizer_config"]["class_name"], "rmsprop");
  EXPECT_EQ(tc["loss"], "mean_squared_error");
  EXPECT_EQ(tc["metrics"], nlohmann::json::parse(R"(["mse"])"));
  // from_logits computes something else: the object stays, and compiles as that loss.
  auto logits = TrainingConfigFromCompileConfig(nlohmann::json::parse(R"({
      "optimizer": "sgd",
      "loss": {"class_name": "CategoricalCrossentropy", "config": {"from_logits": true}}})"));
  EXPECT_TRUE(logits["loss"].is_object());
  Sequential m({layers::Dense(2, {.input_shape = {3}})});
  EXPECT_EQ(CompileFromTrainingConfig(m, logits), "");
  ASSERT_TRUE(m.compiled());
  EXPECT_EQ(m.output_training()[0].loss.arguments()["from_logits"], true);
  // An argument Kiln does not follow: the loss is named, and the model stays uncompiled.
  Sequential m2({layers::Dense(2, {.input_shape = {3}})});
  auto ignore = TrainingConfigFromCompileConfig(nlohmann::json::parse(R"({
      "optimizer": "sgd",
      "loss": {"class_name": "SparseCategoricalCrossentropy", "config": {"ignore_class": 0}}})"));
  EXPECT_NE(
      CompileFromTrainingConfig(m2, ignore).find("SparseCategoricalCrossentropy: ignore_class"),
      std::string::npos);
  EXPECT_FALSE(m2.compiled());
  // Optimizer options that change the update are refused, not ignored.
  auto scaled = TrainingConfigFromCompileConfig(nlohmann::json::parse(R"({
      "optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.1,
                                                    "gradient_accumulation_steps": 4}},
      "loss": "mse"})"));
  EXPECT_NE(CompileFromTrainingConfig(m2, scaled).find("gradient_accumulation_steps"),
            std::string::npos);
  EXPECT_FALSE(m2.compiled());
  EXPECT_TRUE(TrainingConfigFromCompileConfig(nlohmann::json::object()).is_null());
  // tf.keras 2.21 writes ema_overwrite_frequency 100 for RMSprop without EMA: still compiled.
  EXPECT_TRUE(keras::load_model(Gen("tfkeras-2.21_resume-rmsprop.h5"))->compiled());
}

TEST(BatchNormalizationAxis, TfKerasListAxesAndKeras3IntAxes) {
  // tf.keras stores axis [3] (channels_last) and [1] (after a channels_first Conv2D); Keras 3 -1.
  for (const char* file : {"tfkeras-2.21_bn-axis.h5", "tfkeras-2.21_bn-axis-channels-first.h5",
                           "keras-3.15_bn-axis.h5", "keras-3.15_bn-axis.keras"}) {
    SCOPED_TRACE(file);
    auto m = LoadAndExpectPredictions(file);
    ASSERT_EQ(m->layers()[1]->class_name(), "BatchNormalization");
    EXPECT_EQ(m->layers()[1]->weights()[0].value.shape(), (Shape{3}));  // Conv2D's 3 filters
    // The moving statistics are not the defaults, so a BN that ignored them would miss.
    EXPECT_GT(
        MaxAbsDiff(m->layers()[1]->weights()[3].value, Tensor::FromVector<float>({1, 1, 1}, {3})),
        0.1);
  }
  // Saved again by Kiln, the channels_first axis survives and predicts the same.
  auto m = keras::load_model(Gen("tfkeras-2.21_bn-axis-channels-first.h5"));
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/bn-cf.h5";
  m->save(path);
  EXPECT_EQ(ModelConfig(*m)["config"]["layers"][2]["config"]["axis"], 1);
  ExpectPredictsLikeKeras(*keras::load_model(path), "tfkeras-2.21_bn-axis-channels-first.h5");
}

TEST(InitializersAndRegularizers, LoadAndKeepTheirConfigs) {
  // Every Keras initializer, L1/L2/L1L2 and activity regularizers and a MaxNorm constraint; the
  // weights are the writer's initializers' output (not trained).
  for (const char* file : {"tfkeras-2.21_initializers.h5", "keras-3.15_initializers.h5",
                           "keras-3.15_initializers.keras"}) {
    SCOPED_TRACE(file);
    ::testing::internal::CaptureStderr();
    auto m = LoadAndExpectPredictions(file);
    const std::string warnings = ::testing::internal::GetCapturedStderr();
    // Regularizers and constraints are applied (training_traces_test): nothing to warn about.
    EXPECT_EQ(warnings, "");
    // The file has no training_config; compiled here, every regularizer and constraint lowers.
    m->compile({.optimizer = "sgd", .loss = "mse"});
    auto config = [&](const std::string& layer) { return m->get_layer(layer)->get_config(); };
    EXPECT_EQ(config("he_normal")["kernel_initializer"],
              nlohmann::json::parse(R"({"class_name": "HeNormal", "config": {"seed": 1}})"));
    // tf.keras writes the float32 value 0.009999999776..., Keras 3 0.01.
    EXPECT_NEAR(config("he_normal")["kernel_regularizer"]["config"]["l2"].get<double>(), 0.01,
                1e-9);
    EXPECT_EQ(config("lecun_normal")["kernel_constraint"]["class_name"], "MaxNorm");
    EXPECT_EQ(config("variance_scaling")["kernel_initializer"]["config"]["mode"], "fan_avg");
    EXPECT_EQ(config("orthogonal")["kernel_initializer"]["config"]["gain"], 1.5);
    EXPECT_EQ(config("truncated_normal")["bias_initializer"]["config"]["value"], 0.1);
    // Keras's own orthogonal kernel (6x6, gain 1.5) is 1.5 times an orthogonal matrix, and Kiln's
    // initializer from the loaded config makes one of the same kind.
    const Tensor keras_k = m->get_layer("orthogonal")->weights()[0].value;
    const Tensor kiln_k =
        Initializer::FromConfig(config("orthogonal")["kernel_initializer"], "t")(keras_k.shape());
    for (const Tensor& k : {keras_k, kiln_k})
      for (int a = 0; a < 6; ++a)
        for (int b = 0; b < 6; ++b) {
          double dot = 0;
          for (int i = 0; i < 6; ++i)
            dot += double(k.data<float>()[i * 6 + a]) * k.data<float>()[i * 6 + b];
          EXPECT_NEAR(dot, a == b ? 2.25 : 0.0, 1e-5);
        }
    // Saved by Kiln and loaded again, the regularizers and initializers are still there.
    const std::string path = std::string(getenv("TEST_TMPDIR")) + "/init.h5";
    m->save(path);
    ::testing::internal::CaptureStderr();
    auto again = keras::load_model(path);
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(again->get_layer("he_normal")->get_config()["kernel_regularizer"],
              config("he_normal")["kernel_regularizer"]);
    EXPECT_EQ(again->get_layer("he_uniform")->get_config()["activity_regularizer"],
              config("he_uniform")["activity_regularizer"]);
    ExpectPredictsLikeKeras(*again, file);
  }
}

TEST(DenseOnRank3, AppliesToTheLastAxisAsKerasDoes) {
  // Input((5, 4)) -> Dense(3) -> Flatten -> Dense(2).
  for (const char* file : {"tfkeras-2.21_dense-rank3.h5", "keras-3.15_dense-rank3.h5",
                           "keras-3.15_dense-rank3.keras"}) {
    SCOPED_TRACE(file);
    auto m = LoadAndExpectPredictions(file);
    EXPECT_EQ(m->layers()[0]->output_shape(), (Shape{kUnknownDim, 5, 3}));
  }
}

TEST(IntegerInputs, KeepTheirDtypeThroughLoadingAndPredict) {
  // Input((6,), dtype="int32") straight into Dense, which casts as Keras's Dense does.
  for (const char* file : {"tfkeras-2.21_int32-input.h5", "keras-3.15_int32-input.keras"}) {
    SCOPED_TRACE(file);
    auto m = LoadAndExpectPredictions(file);
    EXPECT_EQ(m->input_dtype(), kInt32);
    const Tensor x = npy::Load(Gen(std::string(file) + ".x.npy"));
    ASSERT_EQ(x.dtype(), kInt32);
    // The graph's input is int32, cast once before the first Dense.
    const Graph& g = m->forward_graph();
    int casts = 0;
    for (int id : g.NodeIds()) {
      const Node& n = g.node(id);
      if (n.op == "Placeholder") EXPECT_EQ(n.outputs[0].dtype, kInt32);
      casts += n.op == "Cast";
    }
    EXPECT_EQ(casts, 1);
    // Other dtypes are converted to the input's, as Keras converts them: float64 2.9 -> int32 2,
    // -2.9 -> -2.
    Tensor shifted = x.astype(kFloat64);
    for (int64_t i = 0; i < shifted.num_elements(); ++i)
      shifted.data<double>()[i] += shifted.data<double>()[i] >= 0 ? 0.9 : -0.9;
    EXPECT_TRUE(m->predict(shifted).BitwiseEquals(m->predict(x)));
    // Saved by Kiln, the dtype stays.
    const std::string path = std::string(getenv("TEST_TMPDIR")) + "/int32.h5";
    m->save(path);
    EXPECT_EQ(ModelConfig(*m)["config"]["layers"][0]["config"]["dtype"], "int32");
    auto again = keras::load_model(path);
    EXPECT_EQ(again->input_dtype(), kInt32);
    ExpectPredictsLikeKeras(*again, file);
  }
  // In code: int64 ids through Flatten (which keeps integers) into Dense.
  Sequential ids({Input({.shape = {2, 3}, .dtype = kInt64}), layers::Flatten(),
                  layers::Dense(1, {.use_bias = false, .kernel_initializer = "ones"})});
  const Tensor big = Tensor::FromVector<int64_t>({1, 2, 3, 4, 5, 6}, {1, 2, 3});
  EXPECT_EQ(ids.predict(big).ToVector<float>(), std::vector<float>{21});
  EXPECT_THROW(Input({.shape = {2}, .dtype = kBool}), ValueError);
}

}  // namespace
}  // namespace kiln::keras::saving

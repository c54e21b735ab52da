// Keras HDF5 files: round trips, resumed training, every real Keras fixture, corrupted files.
#include "keras/saving/keras_h5.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "io/h5.h"
#include "io/npy.h"
#include "keras/keras.h"
#include "keras/model_config.h"
#include "keras/saving/kiln_export.h"
#include "keras/saving/model_file_info.h"
#include "tests/testing/testing.h"

namespace kiln::keras::saving {
namespace {

using namespace kiln::keras;
namespace fs = std::filesystem;

std::string Tmp(const std::string& name) {
  return (fs::path(getenv("TEST_TMPDIR")) / name).string();
}
std::string Fixture(const std::string& name) { return "tests/fixtures/keras/" + name; }

using ::kiln::testing::ErrorOf;

Tensor Random(Shape s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  Tensor t(kFloat32, s);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

std::unique_ptr<Sequential> Mlp() {
  auto m = std::make_unique<Sequential>();
  m->add(layers::Flatten({.input_shape = {4, 3}}));
  m->add(layers::Dense(16, {.activation = "relu"}));
  m->add(layers::Dropout(0.25));
  m->add(layers::Dense(5, {.activation = "softmax"}));
  m->compile({.optimizer = optimizers::SGD({.lr = 0.05, .momentum = 0.9, .nesterov = true}),
              .loss = "categorical_crossentropy",
              .metrics = {"accuracy"}});
  return m;
}

void Data(Tensor& x, Tensor& y) {
  x = Random({64, 4, 3}, 1);
  y = Tensor(kFloat32, {64, 5});
  for (int i = 0; i < 64; ++i) y.data<float>()[i * 5 + (i * 7) % 5] = 1;
}

TEST(KerasH5, RoundTripIsBitwise) {
  utils::set_random_seed(5);
  auto m = Mlp();
  Tensor x, y;
  Data(x, y);
  m->fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0});
  const std::string path = Tmp("mlp.h5");
  m->save(path);
  EXPECT_EQ(DetectFormat(path), ModelFileFormat::kLegacyFull);
  auto loaded = keras::load_model(path);
  ASSERT_TRUE(loaded->compiled());
  EXPECT_EQ(loaded->name(), m->name());
  auto a = m->get_weights(), b = loaded->get_weights();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i].BitwiseEquals(b[i])) << i;
  EXPECT_TRUE(m->predict(x).BitwiseEquals(loaded->predict(x)));
  EXPECT_EQ(loaded->optimizer()->iterations(), m->optimizer()->iterations());
  EXPECT_EQ(loaded->output_training()[0].metrics, m->output_training()[0].metrics);
  // Weights-only files too, by position and by name.
  m->save_weights(Tmp("mlp_weights.h5"));
  EXPECT_EQ(DetectFormat(Tmp("mlp_weights.h5")), ModelFileFormat::kLegacyWeights);
  utils::set_random_seed(99);
  auto fresh = Mlp();
  fresh->load_weights(Tmp("mlp_weights.h5"));
  EXPECT_TRUE(fresh->predict(x).BitwiseEquals(m->predict(x)));
}

TEST(KerasH5, ResumedTrainingMatchesUninterrupted) {
  Tensor x, y;
  Data(x, y);
  utils::set_random_seed(7);
  auto a = Mlp();
  a->fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0});
  a->save(Tmp("resume.h5"));
  auto b = keras::load_model(Tmp("resume.h5"));
  // Same generator state for both continuations (shuffling), and the dropout generator state is
  // per layer; restore it by copying, as it is not part of the Keras format.
  for (size_t i = 0; i < a->layers().size(); ++i)
    for (size_t k = 0; k < a->layers()[i]->states().size(); ++k)
      b->layers()[i]->states()[k].value.CopyFrom(a->layers()[i]->states()[k].value);
  utils::set_random_seed(8);
  a->fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0});
  utils::set_random_seed(8);
  b->fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0});
  auto wa = a->get_weights(), wb = b->get_weights();
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_TRUE(wa[i].BitwiseEquals(wb[i])) << i;
}

TEST(KerasH5, AdamStateRoundTrips) {
  utils::set_random_seed(9);
  Sequential m({layers::Dense(4, {.activation = "relu", .input_shape = {3}}), layers::Dense(2)});
  m.compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}), .loss = "mse"});
  Tensor x = Random({16, 3}, 2), y = Random({16, 2}, 3);
  m.fit(x, y, {.batch_size = 4, .epochs = 2, .verbose = 0, .shuffle = false});
  m.save(Tmp("adam.h5"));
  auto loaded = keras::load_model(Tmp("adam.h5"));
  ASSERT_TRUE(loaded->compiled());
  EXPECT_EQ(loaded->optimizer()->class_name(), "Adam");
  EXPECT_EQ(loaded->optimizer()->iterations(), 8);
  ASSERT_EQ(loaded->optimizer()->slots().size(), m.optimizer()->slots().size());
  for (size_t i = 0; i < m.optimizer()->slots().size(); ++i)
    EXPECT_TRUE(
        loaded->optimizer()->slots()[i].second.BitwiseEquals(m.optimizer()->slots()[i].second))
        << m.optimizer()->slots()[i].first;
  // Both continue identically.
  m.fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  loaded->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  EXPECT_TRUE(m.get_weights()[0].BitwiseEquals(loaded->get_weights()[0]));
}

TEST(KerasH5, LayoutFollowsKerasWriterRules) {
  backend::clear_session();
  auto m = Mlp();
  m->save(Tmp("layout.h5"));
  h5::File f = h5::File::Open(Tmp("layout.h5"));
  h5::Handle mw = h5::OpenGroup(f.id(), "model_weights");
  auto names = *h5::ReadStringListAttr(mw.id(), "layer_names");
  EXPECT_EQ(names.size(), 4u);
  auto cfg = nlohmann::json::parse(*h5::ReadStringAttr(f.id(), "model_config"));
  EXPECT_EQ(cfg["class_name"], "Sequential");
  EXPECT_EQ(cfg["config"]["layers"][0]["class_name"], "InputLayer");
  EXPECT_EQ(cfg["config"]["layers"][0]["config"]["batch_input_shape"],
            nlohmann::json::parse("[null, 4, 3]"));
  auto tc = nlohmann::json::parse(*h5::ReadStringAttr(f.id(), "training_config"));
  EXPECT_EQ(tc["optimizer_config"]["class_name"], "SGD");
  EXPECT_EQ(tc["optimizer_config"]["config"]["learning_rate"].get<double>(), double(0.05f));
  Tensor k = h5::ReadDataset(f.id(), "model_weights/dense/dense/kernel:0");
  EXPECT_EQ(k.shape(), (Shape{12, 16}));
  h5::Handle flat = h5::OpenGroup(f.id(), "model_weights/flatten");
  EXPECT_EQ(h5::ReadStringListAttr(flat.id(), "weight_names")->size(), 0u);
  h5::Handle ow = h5::OpenGroup(f.id(), "optimizer_weights");
  auto ow_names = *h5::ReadStringListAttr(ow.id(), "weight_names");
  EXPECT_EQ(ow_names[0], "SGD/iter:0");
  EXPECT_EQ(ow_names[1], "SGD/dense/kernel/momentum:0");
}

// Expected predictions computed here from the stored weights with plain loops, independently of
// the graph, for the Dense/Activation fixtures.
std::vector<float> DenseChain(const std::string& path, const std::string& root,
                              const std::vector<float>& input,
                              const std::vector<std::string>& activations) {
  h5::File f = h5::File::Open(path);
  h5::Handle g = h5::OpenGroup(f.id(), root);
  std::vector<float> h = input;
  size_t a = 0;
  const std::vector<std::string> layer_names = *h5::ReadStringListAttr(g.id(), "layer_names");
  for (const auto& name : layer_names) {
    h5::Handle lg = h5::OpenGroup(g.id(), name);
    auto wn = *h5::ReadStringListAttr(lg.id(), "weight_names");
    const std::string act = activations[a++];
    if (!wn.empty()) {
      Tensor k = h5::ReadDataset(lg.id(), wn[0]), b = h5::ReadDataset(lg.id(), wn[1]);
      std::vector<float> out(k.dim(1));
      for (int64_t j = 0; j < k.dim(1); ++j) {
        double s = b.data<float>()[j];
        for (int64_t i = 0; i < k.dim(0); ++i) s += h[i] * k.data<float>()[i * k.dim(1) + j];
        out[j] = static_cast<float>(s);
      }
      h = out;
    }
    if (act == "relu")
      for (float& v : h) v = std::max(v, 0.f);
    if (act == "softmax") {
      double z = 0;
      for (float v : h) z += std::exp(v);
      for (float& v : h) v = static_cast<float>(std::exp(v) / z);
    }
  }
  return h;
}

void ExpectPredicts(Model& m, const std::string& path, const std::string& root,
                    const std::vector<std::string>& acts) {
  const int64_t in = m.input_shape()[1];
  Tensor x = Random({1, in}, 3);
  Tensor got = m.predict(x);
  auto want = DenseChain(path, root, x.ToVector<float>(), acts);
  ASSERT_EQ(got.num_elements(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got.data<float>()[i], want[i], 1e-5) << i;
}

TEST(Fixtures, Keras209ListFormMlpWithSgd) {
  const std::string p = Fixture("keras-2.0.9_mlp-sgd_full.h5");
  auto m = keras::load_model(p);
  EXPECT_EQ(m->layers().size(), 2u);
  EXPECT_EQ(m->input_shape(), (Shape{kUnknownDim, 100}));
  ASSERT_TRUE(m->compiled());  // SGD, categorical_crossentropy, accuracy
  EXPECT_NEAR(dynamic_cast<optimizers::SGD*>(m->optimizer())->learning_rate(), 0.01, 1e-8);
  ExpectPredicts(*m, p, "model_weights", {"relu", "softmax"});
}

TEST(Fixtures, TfKeras211InputLayerAndActivations) {
  const std::string p = Fixture("tfkeras-2.11_mlp-activation_full.h5");
  auto m = keras::load_model(p);  // RMSprop: loaded uncompiled, with a warning
  EXPECT_FALSE(m->compiled());
  EXPECT_EQ(m->layers().size(), 4u);
  EXPECT_EQ(m->input_name(), "fc1_input");
  ExpectPredicts(*m, p, "model_weights", {"linear", "relu", "linear", "relu"});
}

TEST(Fixtures, Keras231DenseSoftmaxFullAndWeights) {
  const std::string p = Fixture("keras-2.3.1_dense-softmax_full.h5");
  auto m = keras::load_model(p);  // RMSprop too
  ExpectPredicts(*m, p, "model_weights", {"linear", "softmax"});
  auto w = Fixture("keras-2.3.1_dense-softmax_weights.h5");
  EXPECT_EQ(DetectFormat(w), ModelFileFormat::kLegacyWeights);
  EXPECT_NE(ErrorOf([&] { keras::load_model(w); }).find("holds weights only"), std::string::npos);
  Sequential same({layers::Dense(32, {.input_shape = {16}}), layers::Softmax()});
  same.load_weights(w);
  EXPECT_TRUE(same.get_weights()[0].BitwiseEquals(m->get_weights()[0]));
  // by_name matches nothing when the names differ, and leaves the weights as they were.
  Sequential renamed({layers::Dense(32, {.input_shape = {16}, .name = "other"})});
  Tensor before = renamed.get_weights()[0];
  renamed.load_weights(w, /*by_name=*/true);
  EXPECT_TRUE(renamed.get_weights()[0].BitwiseEquals(before));
  Sequential wrong({layers::Dense(31, {.input_shape = {16}})});
  EXPECT_NE(ErrorOf([&] { wrong.load_weights(w); }).find("shape mismatch in layer"),
            std::string::npos);
}

TEST(Fixtures, Keras3WeightsIntoAMatchingModel) {
  backend::clear_session();
  Sequential m(
      {layers::Flatten({.input_shape = {28, 28, 1}}), layers::Dense(128, {.activation = "relu"}),
       layers::Dense(64, {.activation = "relu"}), layers::Dense(10, {.activation = "softmax"})});
  const std::string p = Fixture("keras-3_flatten-dense.weights.h5");
  EXPECT_EQ(DetectFormat(p), ModelFileFormat::kKeras3Weights);
  m.load_weights(p);
  h5::File f = h5::File::Open(p);
  EXPECT_TRUE(m.get_weights()[2].BitwiseEquals(h5::ReadDataset(f.id(), "layers/dense_1/vars/0")));
  Tensor probs = m.predict(Random({2, 28, 28, 1}, 4));
  EXPECT_NEAR(
      probs.data<float>()[0] + probs.data<float>()[9] +
          [&] {
            float s = 0;
            for (int i = 1; i < 9; ++i) s += probs.data<float>()[i];
            return s;
          }(),
      1.0, 1e-5);
}

TEST(Fixtures, ConvolutionalModelsLoad) {
  // channels_first Conv2D, pooling, dropout (Keras 2.3.1); Conv2D + BatchNormalization (2.1.3,
  // list-form config). Their predictions are checked against numpy in //tests/tools.
  auto cnn = keras::load_model(Fixture("keras-2.3.1_cnn-dropout_full.h5"));
  EXPECT_EQ(cnn->layers()[0]->output_shape(), (Shape{kUnknownDim, 30, 26, 26}));
  EXPECT_EQ(cnn->predict(Random({2, 1, 28, 28}, 5)).shape(), (Shape{2, 22}));
  auto bn = keras::load_model(Fixture("keras-2.1.3_cnn-batchnorm_full.h5"));
  EXPECT_EQ(bn->layers()[1]->class_name(), "BatchNormalization");
  EXPECT_EQ(bn->layers()[1]->weights().size(), 4u);
  EXPECT_FALSE(bn->layers()[1]->weights()[2].trainable);
  EXPECT_EQ(bn->predict(Random({3, 10, 10, 3}, 6)).shape(), (Shape{3, 1}));
}

TEST(Fixtures, UpstreamMaskingLstmPredictsLikeKeras) {
  // keras-team's own Keras 3.8 file (Masking -> LSTM(1)); Keras 3.15 predicted it on an input
  // with masked steps (make_fixtures.py --only upstream-masking-lstm).
  const std::string file = Fixture("keras-3.8_masking-lstm.keras");
  EXPECT_EQ(DetectFormat(file), ModelFileFormat::kKerasArchive);
  auto m = keras::load_model(file);
  ASSERT_EQ(m->layers().size(), 2u);
  EXPECT_EQ(m->layers()[0]->class_name(), "Masking");
  EXPECT_EQ(m->layers()[1]->class_name(), "LSTM");
  const Tensor x = npy::Load(Fixture("gen/keras-3.8_masking-lstm.keras.x.npy"));
  const Tensor want = npy::Load(Fixture("gen/keras-3.8_masking-lstm.keras.y.npy"));
  EXPECT_LE(testing::MaxAbsDiff(m->predict(x), want), 1e-6);
}

TEST(Fixtures, UnsupportedLayersAreListedAtOnce) {
  const auto config = nlohmann::json::parse(R"({"class_name": "Sequential", "config": {
      "name": "s", "layers": [
        {"class_name": "ConvLSTM2D", "config": {"name": "conv_lstm"}},
        {"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "time_major": true}}]}})");
  const std::string e = ErrorOf([&] { keras::ModelFromConfig(config); });
  for (const char* s : {"ConvLSTM2D", "LSTM 'lstm': time_major=True"})
    EXPECT_NE(e.find(s), std::string::npos) << e;
  EXPECT_NE(ErrorOf([] {
              keras::load_model(Fixture("tfkeras-2.2.4_lenet_weights.h5"));
            }).find("weights only"),
            std::string::npos);
}

TEST(BadFiles, CorruptedAndTruncatedCopiesNeverCrash) {
  const std::string src = Fixture("keras-2.0.9_mlp-sgd_full.h5");
  std::ifstream in(src, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937 rng(1);
  int errors = 0;
  for (int trial = 0; trial < 40; ++trial) {
    std::string b = bytes;
    if (trial < 10)
      b.resize(b.size() * trial / 10);  // truncations, down to empty
    else
      for (int k = 0; k < 8; ++k) b[rng() % b.size()] ^= static_cast<char>(1 << (rng() % 8));
    const std::string path = Tmp("corrupt" + std::to_string(trial) + ".h5");
    std::ofstream(path, std::ios::binary) << b;
    try {
      auto m = keras::load_model(path);
      m->predict(Tensor(kFloat32, {1, 100}));
    } catch (const Error& e) {
      ++errors;
      EXPECT_NE(std::string(e.what()), "");
    }
  }
  EXPECT_GE(errors, 10);  // at least every truncation is refused
  EXPECT_NE(ErrorOf([] {
              keras::load_model("/nonexistent.h5");
            }).find("/nonexistent.h5: No such file or directory"),
            std::string::npos);
  std::ofstream(Tmp("text.h5")) << "not a model";
  EXPECT_NE(ErrorOf([&] { keras::load_model(Tmp("text.h5")); }).find("not a Keras model file"),
            std::string::npos);
}

TEST(BadFiles, EachNamesTheFileAndTheProblem) {
  // A pickle named .h5 (as some files on GitHub are).
  std::ofstream(Tmp("pickle.h5"), std::ios::binary)
      << std::string("\x80\x04\x95\x10\x00\x00\x00", 7) << "sklearn";
  EXPECT_NE(ErrorOf([&] {
              keras::load_model(Tmp("pickle.h5"));
            }).find("pickle.h5: not a Keras model file"),
            std::string::npos);
  // HDF5 with model weights but no model_config.
  {
    h5::File f = h5::File::Create(Tmp("noconfig.h5"));
    h5::CreateGroup(f.id(), "model_weights");
    f.Close();
  }
  EXPECT_NE(ErrorOf([&] {
              keras::load_model(Tmp("noconfig.h5"));
            }).find("noconfig.h5: No model found in config file"),
            std::string::npos);
  // Layer-count mismatch: a two-Dense file into a one-Dense model.
  const std::string two = Fixture("keras-2.0.9_mlp-sgd_full.h5");
  Sequential one({layers::Dense(64, {.input_shape = {100}})});
  EXPECT_NE(ErrorOf([&] { one.load_weights(two); })
                .find("layer count mismatch when loading weights from file. Model expected 1 "
                      "layers, found 2 saved layers"),
            std::string::npos);
  // Shape mismatch names the layer, the weight and both shapes; nothing is half-loaded.
  Sequential wrong({layers::Dense(64, {.input_shape = {99}}), layers::Dense(10)});
  const Tensor before = wrong.get_weights()[2];
  const std::string msg = ErrorOf([&] { wrong.load_weights(two); });
  EXPECT_NE(msg.find("shape mismatch in layer 'dense"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expects (99, 64), the file has (100, 64)"), std::string::npos) << msg;
  EXPECT_TRUE(wrong.get_weights()[2].BitwiseEquals(before));
}

TEST(BadFiles, FailedSaveLeavesTheOldFile) {
  auto m = Mlp();
  const std::string path = Tmp("keep.h5");
  m->save(path);
  const auto size = fs::file_size(path);
  Sequential unbuilt({layers::Dense(3)});
  EXPECT_THROW(unbuilt.save(path), Error);
  EXPECT_EQ(fs::file_size(path), size);
  EXPECT_NO_THROW(keras::load_model(path));
  EXPECT_NE(ErrorOf([&] { m->save("/nonexistent-dir/x.h5"); }).find("does not exist"),
            std::string::npos);
  for (const auto& e : fs::directory_iterator(fs::path(path).parent_path()))
    EXPECT_EQ(e.path().string().find("kiln-tmp"), std::string::npos) << e.path();
}

// A save that the OS refuses names the user's path and the OS's reason, never the temporary file.
TEST(Save, ErrorsNameThePathAndTheOsReason) {
  Sequential m({layers::Dense(2, {.input_shape = {3}})});
  const std::string file = Tmp("plain-file");
  { std::ofstream(file) << "x"; }
  const std::string under_file = file + "/model.h5";
  std::string msg = ErrorOf([&] { m.save(under_file); });
  EXPECT_EQ(msg.rfind(under_file + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find("Not a directory"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("kiln-tmp"), std::string::npos) << msg;
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const std::string dir = Tmp("read-only");
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  const std::string path = dir + "/model.h5";
  msg = ErrorOf([&] { m.save(path); });
  fs::permissions(dir, fs::perms::owner_all);
  EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("kiln-tmp"), std::string::npos) << msg;
}

// Files Kiln writes say so beside the Keras version they imitate, which stays as it was.
TEST(Save, RecordsKilnsVersion) {
  Sequential m({layers::Dense(2, {.input_shape = {3}})});
  m.save(Tmp("versioned.h5"));
  m.save_weights(Tmp("versioned.weights.h5"));
  for (const char* name : {"versioned.h5", "versioned.weights.h5"}) {
    h5::File f = h5::File::Open(Tmp(name));
    EXPECT_EQ(h5::ReadStringAttr(f.id(), "kiln_version").value_or(""), kKilnVersion) << name;
    EXPECT_EQ(h5::ReadStringAttr(f.id(), "keras_version").value_or(""), "2.12.0") << name;
    EXPECT_EQ(h5::ReadStringAttr(f.id(), "backend").value_or(""), "tensorflow") << name;
  }
  EXPECT_EQ(ReadModelFileInfo(Tmp("versioned.h5")).kiln_version, kKilnVersion);
}

}  // namespace
}  // namespace kiln::keras::saving

// The .kiln graph format: exported models run on kiln::Runtime alone with bitwise-identical
// predictions, training resumes from the file, and damaged files are refused with clear errors.
#include "io/kiln_graph.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "examples/tutorial_mlp.h"
#include "keras/keras.h"
#include "keras/saving/keras_h5.h"
#include "keras/saving/kiln_export.h"
#include "runtime/runtime.h"
#include "tests/testing/testing.h"

namespace kiln::io {
namespace {

using namespace kiln::keras;
using namespace kiln::keras::saving;

std::string Tmp(const std::string& name) { return std::string(getenv("TEST_TMPDIR")) + "/" + name; }

using ::kiln::testing::ErrorOf;

Tensor Random(Shape s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  Tensor t(kFloat32, s);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

std::unique_ptr<Sequential> TutorialMlp() {
  auto m = examples::TutorialMlp();
  m->compile({.optimizer = optimizers::SGD({.lr = 0.1, .momentum = 0.5}),
              .loss = "categorical_crossentropy",
              .metrics = {"accuracy"}});
  return m;
}

Tensor Labels(int n) {
  Tensor y(kFloat32, {n, 10});
  for (int i = 0; i < n; ++i) y.data<float>()[i * 10 + (i * 3) % 10] = 1;
  return y;
}

TEST(KilnGraph, TutorialMlpPredictsBitwiseTheSame) {
  utils::set_random_seed(2);
  auto m = TutorialMlp();
  Tensor x = Random({64, 28, 28}, 1), y = Labels(64);
  m->fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});
  m->export_graph(Tmp("mlp.kiln"));
  EXPECT_EQ(DetectFormat(Tmp("mlp.kiln")), ModelFileFormat::kKilnGraph);
  Runtime rt = Runtime::Load(Tmp("mlp.kiln"));
  EXPECT_FALSE(rt.can_train());
  Tensor xb = Random({20, 28, 28}, 3);
  EXPECT_TRUE(rt.Run({xb})[0].BitwiseEquals(m->predict(xb)));
  // Batched like Keras's predict (a short last batch included), the same numbers.
  EXPECT_TRUE(rt.Predict(xb, 8).BitwiseEquals(m->predict(xb, {.batch_size = 8})));
  EXPECT_THROW(rt.Predict(Random({2, 28, 27}, 3)), ShapeError);
  const GraphFile f = ReadGraphFile(Tmp("mlp.kiln"));
  EXPECT_EQ(f.metadata.at("source_model"), m->name());
  EXPECT_EQ(nlohmann::json::parse(f.metadata.at("model_config"))["class_name"], "Sequential");
  EXPECT_EQ(f.variables.items().size(), 8u);  // no optimizer slots in a serving-only file
  EXPECT_EQ(f.subgraphs[0].graph.OpCounts().at("FusedMatMul"), 4);
}

TEST(KilnGraph, KerasFixtureConvertsAndRunsBitwise) {
  const std::string src = "tests/fixtures/keras/keras-2.0.9_mlp-sgd_full.h5";
  ExportFile(src, Tmp("fixture.kiln"));
  auto keras_model = LoadModel(src);
  Tensor x = Random({9, 100}, 4);
  EXPECT_TRUE(
      Runtime::Load(Tmp("fixture.kiln")).Run({x})[0].BitwiseEquals(keras_model->predict(x)));
}

// tests/io/testdata/revision1_mlp_sgd_train.kiln was written by the revision-1 writer (dtype and
// attribute codes in C++ declaration order) from keras-2.0.9_mlp-sgd_full.h5 with --training.
// Read today, it must train and predict exactly as the same fixture exported by today's writer.
TEST(KilnGraph, RevisionOneFilesStillLoadAndTrainTheSame) {
  const std::string src = "tests/fixtures/keras/keras-2.0.9_mlp-sgd_full.h5";
  ExportFile(src, Tmp("rev2_train.kiln"), /*training=*/true);
  Runtime old_rt = Runtime::Load("tests/io/testdata/revision1_mlp_sgd_train.kiln");
  Runtime new_rt = Runtime::Load(Tmp("rev2_train.kiln"));
  ASSERT_TRUE(old_rt.can_train());
  EXPECT_EQ(old_rt.file().version, 1u);
  // Since revision 1 the optimizer's step count and learning rate are variables of the training
  // graph too; every variable of the old file is in the new one.
  EXPECT_EQ(new_rt.variables().items().size(), old_rt.variables().items().size() + 2);
  EXPECT_TRUE(new_rt.variables().Has("SGD/iteration") &&
              new_rt.variables().Has("SGD/learning_rate"));
  for (const auto& [name, value] : old_rt.variables().items())
    ASSERT_TRUE(new_rt.variables().Get(name).BitwiseEquals(value)) << name;
  Tensor x = Random({16, 100}, 8), y = Labels(16);
  for (int step = 0; step < 2; ++step) {
    const auto a = old_rt.TrainStep({x, y}), b = new_rt.TrainStep({x, y});
    EXPECT_TRUE(a[0].BitwiseEquals(b[0])) << a[0].DebugString() << " vs " << b[0].DebugString();
  }
  for (const auto& [name, value] : old_rt.variables().items())
    EXPECT_TRUE(new_rt.variables().Get(name).BitwiseEquals(value)) << name;
  EXPECT_EQ(new_rt.variables().Get("SGD/iteration").item<int64_t>(), 2);
  EXPECT_TRUE(old_rt.Run({x})[0].BitwiseEquals(new_rt.Run({x})[0]));
  EXPECT_EQ(ReadGraphFile(Tmp("rev2_train.kiln")).version, 2u);
}

TEST(KilnGraph, TrainingResumesFromTheFile) {
  utils::set_random_seed(5);
  auto m = TutorialMlp();
  Tensor x = Random({32, 28, 28}, 6), y = Labels(32);
  m->fit(x, y, {.batch_size = 32, .epochs = 1, .verbose = 0, .shuffle = false});
  m->export_graph(Tmp("train.kiln"), /*training=*/true);
  Runtime rt = Runtime::Load(Tmp("train.kiln"));
  ASSERT_TRUE(rt.can_train());
  // Two more steps in the model and in the runtime: the same weights, bit for bit.
  m->fit(x, y, {.batch_size = 32, .epochs = 2, .verbose = 0, .shuffle = false});
  rt.TrainStep({x, y});
  rt.TrainStep({x, y});
  for (const auto& l : m->layers())
    for (const auto& w : l->weights())
      EXPECT_TRUE(rt.variables().Get(l->name() + "/" + w.name).BitwiseEquals(w.value))
          << l->name() << "/" << w.name;
  EXPECT_TRUE(rt.Run({x})[0].BitwiseEquals(m->predict(x)));
}

TEST(KilnGraph, DamagedFilesAreRefusedClearly) {
  utils::set_random_seed(7);
  auto m = TutorialMlp();
  m->export_graph(Tmp("ok.kiln"));
  std::ifstream in(Tmp("ok.kiln"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto write = [&](const std::string& name, const std::string& data) {
    std::ofstream(Tmp(name), std::ios::binary) << data;
    return Tmp(name);
  };
  for (double frac : {0.0, 0.01, 0.3, 0.9, 0.999}) {
    const std::string p =
        write("trunc.kiln", bytes.substr(0, static_cast<size_t>(bytes.size() * frac)));
    EXPECT_THROW(ReadGraphFile(p), IOError) << frac;
  }
  std::mt19937 rng(1);
  int refused = 0;
  for (int trial = 0; trial < 60; ++trial) {
    std::string b = bytes;
    // Flip bytes in the structure (the first and last KiB), not only in weight data.
    for (int k = 0; k < 4; ++k) {
      size_t pos = rng() % 2 ? rng() % 1024 : b.size() - 1 - rng() % 1024;
      b[pos] ^= static_cast<char>(1 << (rng() % 8));
    }
    try {
      Runtime rt = Runtime::FromGraphFile(
          ParseGraphFile(reinterpret_cast<const uint8_t*>(b.data()), b.size(), "flip"), "flip");
      rt.Run({Tensor(kFloat32, {1, 28, 28})});
    } catch (const Error&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 10);
  // An op this Kiln does not know is refused by name.
  std::string unknown = bytes;
  // The operator code's string: a 4-byte length of 7, then the name and its terminating zero.
  const size_t at = unknown.find(std::string("\x07\0\0\0Softmax\0", 12));
  ASSERT_NE(at, std::string::npos);
  unknown.replace(at + 4, 7, "Softmix");
  EXPECT_NE(
      ErrorOf([&] { ReadGraphFile(write("unknown.kiln", unknown)); }).find("unknown op 'Softmix'"),
      std::string::npos);
  EXPECT_NE(ErrorOf([] { ReadGraphFile("/nonexistent.kiln"); }).find("No such file or directory"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              Runtime::Load(write("h5.kiln", "\\x89HDF\\r\\n"));
            }).find("FlatBuffers verification failed"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::io

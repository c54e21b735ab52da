// Every functional file real tf.keras 2.21 and Keras 3.15 wrote (tests/fixtures/keras/gen,
// manifest.json entries of kind "functional"): Kiln loads it, has Keras's layers in Keras's order,
// predicts every output as the writer did (<file>.y.<i>.npy for <file>.x.<i>.npy, within 1e-5),
// and a file Kiln saves from it loads back with the same predictions. The two-output files also
// carry the writer's evaluate() and fit() numbers, which Kiln's losses, loss weights, metrics and
// SGD steps must reproduce.
#include <gtest/gtest.h>

#include <fstream>

#include "io/npy.h"
#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras::saving {
namespace {

using ::kiln::testing::MaxAbsDiff;
using nlohmann::json;

std::string Gen(const std::string& name) { return "tests/fixtures/keras/gen/" + name; }

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IOError("cannot open " + path);
  return json::parse(in);
}

std::vector<json> FunctionalFixtures() {
  std::vector<json> out;
  const json manifest = ReadJson(Gen("manifest.json"));
  for (const json& f : manifest["fixtures"])
    if (f.value("kind", "") == "functional") out.push_back(f);
  return out;
}

// The fixtures by file name: the test parameters (so that gtest prints names, not the entries).
std::vector<std::string> FixtureNames() {
  std::vector<std::string> out;
  for (const json& f : FunctionalFixtures()) out.push_back(f["name"]);
  return out;
}

json Fixture(const std::string& name) {
  for (const json& f : FunctionalFixtures())
    if (f["name"] == name) return f;
  throw NotFoundError("no fixture " + name + " in manifest.json");
}

std::vector<Tensor> LoadArrays(const json& names) {
  std::vector<Tensor> out;
  for (const json& n : names) out.push_back(npy::Load(Gen(n.get<std::string>())));
  return out;
}

// A .weights.h5 holds no architecture: the model comes from the .keras file of the same tag,
// zeroed so that only load_weights can make it predict.
std::unique_ptr<Model> LoadFixture(const json& f) {
  const std::string file = f["files"]["model"];
  if (f["format"] != "keras3-weights-h5") return load_model(Gen(file));
  const std::string archive = file.substr(0, file.size() - std::string(".weights.h5").size());
  auto m = load_model(Gen(archive + ".keras"));
  std::vector<Tensor> zeros;
  for (const Tensor& w : m->get_weights()) zeros.emplace_back(w.dtype(), w.shape());
  m->set_weights(zeros);
  m->load_weights(Gen(file));
  return m;
}

void ExpectPredictsLikeKeras(Model& m, const json& f) {
  const std::vector<Tensor> x = LoadArrays(f["files"]["x"]);
  const std::vector<Tensor> want = LoadArrays(f["files"]["y"]);
  const std::vector<Tensor> got = m.predict_all(x);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].shape(), want[i].shape()) << "output " << i;
    // Keras's masked average is NaN on a fully masked row; so must Kiln's be.
    EXPECT_LE(MaxAbsDiff(got[i], want[i], /*nan_equal=*/true), 1e-5) << "output " << i;
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  return ::kiln::testing::SafeTestName(name);
}

class FunctionalFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(FunctionalFixture, LoadsWithKerasLayersAndPredictsEveryOutput) {
  const json f = Fixture(GetParam());
  auto m = LoadFixture(f);
  std::vector<std::string> names, classes;
  for (const auto& l : m->layers()) {
    names.push_back(l->name());
    classes.push_back(l->class_name());
  }
  EXPECT_EQ(names, f["layer_names"].get<std::vector<std::string>>());
  EXPECT_EQ(classes, f["layer_classes"].get<std::vector<std::string>>());
  EXPECT_EQ(m->input_names(), f["input_names"].get<std::vector<std::string>>());
  EXPECT_EQ(m->output_names(), f["output_names"].get<std::vector<std::string>>());
  ExpectPredictsLikeKeras(*m, f);
}

TEST_P(FunctionalFixture, SavedByKilnLoadsBackAndPredictsTheSame) {
  const json f = Fixture(GetParam());
  auto m = LoadFixture(f);
  const std::string path =
      std::string(getenv("TEST_TMPDIR")) + "/" + TestName({GetParam(), 0}) + ".h5";
  // Saved for each Keras (they count a nested model's calls differently).
  for (KerasTarget target : {KerasTarget::kKeras3, KerasTarget::kTfKeras2}) {
    m->save(path, {.target = target});
    auto loaded = load_model(path);
    EXPECT_EQ(loaded->class_name(), "Functional");
    EXPECT_EQ(loaded->output_names(), m->output_names());
    ExpectPredictsLikeKeras(*loaded, f);
  }
  auto again = load_model(path);
  // And weights-only, into the model as loaded.
  const std::string weights = path + ".weights.h5";
  m->save_weights(weights);
  std::vector<Tensor> zeros;
  for (const Tensor& w : m->get_weights()) zeros.emplace_back(w.dtype(), w.shape());
  again->set_weights(zeros);
  again->load_weights(weights);
  ExpectPredictsLikeKeras(*again, f);
}

// A stateful model (kind "stateful"): Keras predicted two batches in a row, the second from the
// states the first left; Kiln, from the same file, does the same, and after reset_states()
// repeats the first.
TEST(StatefulFixtures, PredictTwoBatchesInARowLikeKeras) {
  int seen = 0;
  const json manifest = ReadJson(Gen("manifest.json"));
  for (const json& f : manifest["fixtures"]) {
    if (f.value("kind", "") != "stateful") continue;
    SCOPED_TRACE(f["name"].get<std::string>());
    ++seen;
    auto m = LoadFixture(f);
    const std::vector<Tensor> x = LoadArrays(f["files"]["x"]), y = LoadArrays(f["files"]["y"]);
    ASSERT_EQ(x.size(), 2u);
    EXPECT_LE(MaxAbsDiff(m->predict(x[0]), y[0]), 1e-5);
    EXPECT_LE(MaxAbsDiff(m->predict(x[1]), y[1]), 1e-5);
    m->reset_states();
    EXPECT_LE(MaxAbsDiff(m->predict(x[0]), y[0]), 1e-5);
  }
  EXPECT_EQ(seen, 4);  // tf.keras's .h5; Keras 3's .keras, .h5 and .weights.h5
}

INSTANTIATE_TEST_SUITE_P(Manifest, FunctionalFixture, ::testing::ValuesIn(FixtureNames()),
                         TestName);

TEST(FunctionalFixtures, EveryWriterAndFormatIsCovered) {
  std::set<std::string> formats;
  for (const json& f : FunctionalFixtures())
    formats.insert(f["writer"].get<std::string>() + " " + f["format"].get<std::string>());
  EXPECT_EQ(formats,
            (std::set<std::string>{"tfkeras-2.21 legacy-h5", "keras-3.15 legacy-h5",
                                   "keras-3.15 keras-zip", "keras-3.15 keras3-weights-h5"}));
  EXPECT_GE(FunctionalFixtures().size(), 30u);
}

// Input x -> Dense(8, relu) -> 'reg' Dense(1) and 'cls' Dense(3, softmax); compiled with SGD 0.1,
// loss {reg: mse, cls: categorical_crossentropy}, loss_weights {reg: 0.5, cls: 2}, metrics
// {reg: [mae], cls: [accuracy]}. The writer evaluated, then fit 2 epochs (batch 4, no shuffle).
TEST(TwoOutputs, EvaluateAndFitReproduceTheWritersNumbers) {
  for (const char* file :
       {"tfkeras-2.21_functional-two-outputs.h5", "keras-3.15_functional-two-outputs.h5",
        "keras-3.15_functional-two-outputs.keras"}) {
    SCOPED_TRACE(file);
    const json e = ReadJson(Gen(std::string(file) + ".eval.json"));
    auto m = load_model(Gen(file));
    ASSERT_TRUE(m->compiled());
    ASSERT_EQ(m->output_training().size(), 2u);
    EXPECT_EQ(m->output_training()[0].weight, 0.5);
    EXPECT_EQ(m->output_training()[1].weight, 2.0);
    EXPECT_EQ(m->metrics_names(), (std::vector<std::string>{"loss", "reg_loss", "cls_loss",
                                                            "reg_mae", "cls_accuracy"}));
    const std::vector<Tensor> x = LoadArrays(e["x"]), y = LoadArrays(e["y_true"]);
    const std::vector<double> got = m->evaluate(x, y, {.batch_size = 8, .verbose = 0});
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_NEAR(got[i], e["evaluate"][m->metrics_names()[i]].get<double>(), 1e-5)
          << m->metrics_names()[i];
    // By name too, in any order.
    const std::vector<double> by_name =
        m->evaluate(x, {{"cls", y[1]}, {"reg", y[0]}}, {.batch_size = 8, .verbose = 0});
    EXPECT_EQ(by_name, got);

    History h = m->fit(x, y, {.batch_size = 4, .epochs = 2, .verbose = 0, .shuffle = false});
    for (const auto& [key, values] : e["history"].items()) {
      ASSERT_TRUE(h.history.count(key)) << key;
      for (size_t i = 0; i < values.size(); ++i)
        EXPECT_NEAR(h.history[key][i], values[i].get<double>(), 1e-5) << key << " epoch " << i;
    }
    EXPECT_EQ(h.history.size(), e["history"].size());
    const std::vector<Tensor> after = LoadArrays(e["after"]), weights = m->get_weights();
    ASSERT_EQ(after.size(), weights.size());
    for (size_t i = 0; i < after.size(); ++i) EXPECT_LE(MaxAbsDiff(weights[i], after[i]), 1e-5);
  }
}

}  // namespace
}  // namespace kiln::keras::saving

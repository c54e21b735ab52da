// Regularizers and frozen layers against real Keras (tests/fixtures/keras/gen/training_traces.json
// and the files beside it, written by scripts/keras_fixtures/make_training_traces.py): each
// Keras-written file (L1, L2, L1L2, orthogonal, string-named and activity regularizers; a frozen
// Dense, a frozen and a trainable BatchNormalization, a frozen nested model) is loaded, trained
// four SGD steps on one batch, and must report Keras's loss at every step (regularization
// included) and hold Keras's weights after it, frozen ones bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ReadJsonFixture;
using ::kiln::testing::TensorFromNested;
using nlohmann::json;

const json& Traces() {
  static const json j = ReadJsonFixture("tests/fixtures/keras/gen/training_traces.json");
  return j;
}

double MaxRelative(const Tensor& got, const Tensor& want) {
  double diff = 0, scale = 1e-30;
  for (int64_t i = 0; i < want.num_elements(); ++i) {
    diff = std::max(diff, std::abs(double(got.data<float>()[i]) - want.data<float>()[i]));
    scale = std::max(scale, std::abs(double(want.data<float>()[i])));
  }
  return diff / scale;
}

class KerasTrainingTrace : public ::testing::TestWithParam<int> {};

TEST_P(KerasTrainingTrace, SameLossesAndWeights) {
  const json& c = Traces()["cases"][GetParam()];
  SCOPED_TRACE(c["file"].get<std::string>() + ": " + c["notes"].get<std::string>());
  auto model = load_model("tests/fixtures/keras/gen/" + c["file"].get<std::string>());
  ASSERT_TRUE(model->compiled());
  ASSERT_EQ(model->optimizer()->class_name(), "SGD");

  int64_t trainable = 0, total = 0;
  for (const auto& l : model->layers()) {
    const std::vector<bool> mask = l->TrainableMask();
    for (size_t i = 0; i < mask.size(); ++i) {
      total += l->weights()[i].value.num_elements();
      if (mask[i]) trainable += l->weights()[i].value.num_elements();
    }
  }
  EXPECT_EQ(trainable, c["trainable_params"].get<int64_t>());
  EXPECT_EQ(total - trainable, c["non_trainable_params"].get<int64_t>());

  const Tensor x = TensorFromNested(c["x"]), y = TensorFromNested(c["y"]);
  const std::vector<Tensor> start = model->get_weights();
  for (size_t step = 0; step < c["losses"].size(); ++step) {
    std::ostringstream out;
    History h = model->fit(x, y, {.batch_size = 8, .epochs = 1, .verbose = 0, .shuffle = false});
    const double want = c["losses"][step];
    EXPECT_NEAR(h.history["loss"][0], want, 1e-6 * std::abs(want)) << "loss at step " << step + 1;
    const std::vector<Tensor> w = model->get_weights();
    ASSERT_EQ(w.size(), c["weights_after"][step].size());
    for (size_t i = 0; i < w.size(); ++i) {
      const Tensor want_w = TensorFromNested(c["weights_after"][step][i]);
      ASSERT_EQ(w[i].shape(), want_w.shape()) << c["weight_names"][i];
      EXPECT_LE(MaxRelative(w[i], want_w), 1e-6)
          << c["weight_names"][i] << " after step " << step + 1;
      // What Keras left unchanged (frozen layers, a frozen BatchNormalization's statistics)
      // Kiln leaves bit for bit.
      if (want_w.BitwiseEquals(start[i]))
        EXPECT_TRUE(w[i].BitwiseEquals(start[i])) << c["weight_names"][i] << " moved";
    }
    if (HasFailure()) break;
  }
  const double want_eval = c["evaluate"];
  EXPECT_NEAR(model->evaluate(x, y, {.verbose = 0})[0], want_eval, 1e-6 * std::abs(want_eval));
  EXPECT_LE(MaxRelative(model->predict(x), TensorFromNested(c["predict"])), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Keras, KerasTrainingTrace,
                         ::testing::Range(0, static_cast<int>(Traces()["cases"].size())),
                         [](const ::testing::TestParamInfo<int>& p) {
                           std::string name = Traces()["cases"][p.param]["file"].get<std::string>();
                           name = std::to_string(p.param) + "_" + name.substr(0, name.size() - 3);
                           return ::kiln::testing::SafeTestName(name);
                         });

}  // namespace
}  // namespace kiln::keras

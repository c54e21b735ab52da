// Kiln's optimizers and schedules against what real Keras computed
// (tests/fixtures/keras/gen/optimizers.json, written by
// scripts/keras_fixtures/make_optimizer_trajectories.py): a Dense(2) on a fixed 8-sample batch,
// mse loss, trained step by step from the same start with each optimizer config Keras wrote; the
// kernel and bias after every step must match Keras's within 1e-6 relative (plus a small absolute
// floor for entries near zero). Keras 3 and tf.keras 2.11+ configs follow the current rules;
// tf.keras's `keras.optimizers.legacy` ones (with Keras 2's `decay`) follow Keras 2's.
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

const json& Fixture() {
  static const json j = ReadJsonFixture("tests/fixtures/keras/gen/optimizers.json");
  return j;
}

// |got - want| <= 1e-6 |want| + 1e-7: float32 arithmetic in a different order than Keras's (XLA's
// or TF's fused kernels) differs in the last bits, and entries pass through zero.
void ExpectClose(const Tensor& got, const json& want, const std::string& what) {
  std::vector<double> w;
  if (want[0].is_array()) {
    for (const json& r : want)
      for (const json& x : r) w.push_back(x);
  } else {
    w = want.get<std::vector<double>>();
  }
  ASSERT_EQ(got.num_elements(), static_cast<int64_t>(w.size())) << what;
  for (size_t i = 0; i < w.size(); ++i)
    EXPECT_NEAR(got.data<float>()[i], w[i], 1e-6 * std::abs(w[i]) + 1e-7)
        << what << "[" << i << "]";
}

class KerasOptimizerTrajectory : public ::testing::TestWithParam<int> {};

TEST_P(KerasOptimizerTrajectory, SameWeightsAfterEveryStep) {
  const json& d = Fixture()["data"];
  const json& c = Fixture()["optimizers"][GetParam()];
  SCOPED_TRACE(c["keras"].get<std::string>() + " " + c["optimizer"].dump());
  const bool legacy = c["optimizer"]["module"] == "keras.optimizers.legacy";
  std::shared_ptr<Optimizer> opt =
      OptimizerFromConfig(c["optimizer"], legacy ? UpdateRules::kKeras2 : UpdateRules::kKeras3);

  Sequential model({layers::Dense(2, {.input_dim = 3, .name = "dense"})});
  model.compile({.optimizer = opt, .loss = "mse"});
  model.set_weights({TensorFromNested(d["kernel"]), TensorFromNested(d["bias"])});
  const Tensor x = TensorFromNested(d["x"]), y = TensorFromNested(d["y"]);
  const json& after = c["after"];
  ASSERT_EQ(after.size(), Fixture()["steps"].get<size_t>());
  for (size_t step = 0; step < after.size(); ++step) {
    model.train_on_batch(x, y);  // as the generator steps Keras (fit would also finalize EMA)
    const std::vector<Tensor> w = model.get_weights();
    ExpectClose(w[0], after[step]["kernel"], "step " + std::to_string(step + 1) + " kernel");
    ExpectClose(w[1], after[step]["bias"], "step " + std::to_string(step + 1) + " bias");
    if (HasFailure()) break;  // later steps only repeat the first difference
  }
  EXPECT_EQ(opt->iterations(), static_cast<int64_t>(after.size()));
  if (c.contains("finalized")) {
    // What fit does at its end: the moving averages become the weights.
    opt->finalize_variable_values();
    const std::vector<Tensor> w = model.get_weights();
    ExpectClose(w[0], c["finalized"]["kernel"], "finalized kernel");
    ExpectClose(w[1], c["finalized"]["bias"], "finalized bias");
  }
}

INSTANTIATE_TEST_SUITE_P(Keras, KerasOptimizerTrajectory,
                         ::testing::Range(0, static_cast<int>(Fixture()["optimizers"].size())),
                         [](const ::testing::TestParamInfo<int>& p) {
                           const json& c = Fixture()["optimizers"][p.param];
                           std::string name = std::to_string(p.param) + "_" +
                                              c["optimizer"]["class_name"].get<std::string>() +
                                              "_" + c["keras"].get<std::string>();
                           if (c["optimizer"]["module"] == "keras.optimizers.legacy")
                             name += "_legacy";
                           return ::kiln::testing::SafeTestName(name);
                         });

class KerasScheduleValues : public ::testing::TestWithParam<int> {};

TEST_P(KerasScheduleValues, SameRateAtEveryStep) {
  const json& c = Fixture()["schedules"][GetParam()];
  SCOPED_TRACE(c["keras"].get<std::string>() + " " + c["schedule"].dump());
  const auto schedule = optimizers::schedules::ScheduleFromConfig(c["schedule"]);
  const std::vector<double> want = c["values"];
  for (size_t step = 0; step < want.size(); ++step)
    EXPECT_NEAR((*schedule)(static_cast<int64_t>(step)), want[step], 1e-6 * std::abs(want[step]))
        << "step " << step;
}

INSTANTIATE_TEST_SUITE_P(Keras, KerasScheduleValues,
                         ::testing::Range(0, static_cast<int>(Fixture()["schedules"].size())),
                         [](const ::testing::TestParamInfo<int>& p) {
                           const json& c = Fixture()["schedules"][p.param];
                           std::string name = std::to_string(p.param) + "_" +
                                              c["schedule"]["class_name"].get<std::string>() + "_" +
                                              c["keras"].get<std::string>();
                           return ::kiln::testing::SafeTestName(name);
                         });

}  // namespace
}  // namespace kiln::keras

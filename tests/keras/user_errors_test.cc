// What a new user hit: empty data, validation_split out of range and a layer added after
// compile must each be a kiln::ValueError with a message that says what to do, never a silent
// empty epoch or a std:: exception that escapes `catch (const kiln::Error&)`; and a table of
// the public API's other misuses, each a kiln::Error naming what is wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

Sequential Compiled() {
  Sequential m({layers::Dense(2, {.input_shape = {3}}), layers::Dense(1)});
  m.compile({.optimizer = optimizers::SGD(), .loss = "mse"});
  return m;
}

// The message of the kiln::ValueError `f` throws; fails the test for any other outcome.
std::string ValueErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a kiln::ValueError: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no exception";
  return "";
}

TEST(EmptyData, FitEvaluatePredictRefuseZeroSamples) {
  Sequential m = Compiled();
  const Tensor x(kFloat32, {0, 3}), y(kFloat32, {0, 1});
  const std::string want = "dense_input has 0 samples; fit, evaluate and predict need at least one";
  EXPECT_NE(ValueErrorOf([&] { m.fit(x, y, {.verbose = 0}); }).find(want), std::string::npos);
  EXPECT_NE(ValueErrorOf([&] { m.evaluate(x, y, {.verbose = 0}); }).find(want), std::string::npos);
  EXPECT_NE(ValueErrorOf([&] { m.predict(x); }).find(want), std::string::npos);
  EXPECT_NE(ValueErrorOf([&] { m.train_on_batch(x, y); }).find(want), std::string::npos);
  EXPECT_NE(ValueErrorOf([&] { m.predict_on_batch(x); }).find(want), std::string::npos);
  // An empty (default) tensor, too.
  EXPECT_NE(ValueErrorOf([&] { m.fit(Tensor(), y, {.verbose = 0}); }).find("is empty"),
            std::string::npos);
  EXPECT_NE(ValueErrorOf([&] { m.predict(Tensor()); }).find("is empty"), std::string::npos);
}

TEST(ValidationSplit, OutsideZeroToOneIsRefused) {
  Sequential m = Compiled();
  const Tensor x(kFloat32, {10, 3}), y(kFloat32, {10, 1});
  for (double split : {-0.5, 1.0, 1.5, std::nan("")}) {
    const std::string msg =
        ValueErrorOf([&] { m.fit(x, y, {.verbose = 0, .validation_split = split}); });
    EXPECT_NE(msg.find("`validation_split` must be in [0, 1), received: "), std::string::npos)
        << split << ": " << msg;
  }
  // Keras's message when the split leaves one side empty.
  const Tensor one(kFloat32, {1, 3}), one_y(kFloat32, {1, 1});
  EXPECT_NE(ValueErrorOf([&] {
              m.fit(one, one_y, {.verbose = 0, .validation_split = 0.5});
            }).find("Training data contains 1 samples, which is not sufficient to split it"),
            std::string::npos);
  EXPECT_NO_THROW(m.fit(x, y, {.verbose = 0, .validation_split = 0.2}));
}

TEST(AddAfterCompile, TheModelMustBeCompiledAgain) {
  Sequential m = Compiled();
  const Tensor x(kFloat32, {4, 3}), y(kFloat32, {4, 1}), y2(kFloat32, {4, 2});
  m.fit(x, y, {.verbose = 0});
  m.add(layers::Dense(2));
  const std::string want = "compile the model again";
  EXPECT_NE(ValueErrorOf([&] { m.fit(x, y2, {.verbose = 0}); }).find(want), std::string::npos);
  EXPECT_NE(ValueErrorOf([&] { m.evaluate(x, y2, {.verbose = 0}); }).find(want), std::string::npos);
  EXPECT_NE(ValueErrorOf([&] { m.train_on_batch(x, y2); }).find(want), std::string::npos);
  // predict needs no compile: it runs the new layer list.
  EXPECT_EQ(m.predict(x).shape(), Shape({4, 2}));
  m.compile({.optimizer = optimizers::SGD(), .loss = "mse"});
  EXPECT_NO_THROW(m.fit(x, y2, {.verbose = 0}));
}

// The public API misused as a new user would, one row each: every row must throw a kiln::Error
// (never a std:: exception, never a crash, never nothing) whose message names what is wrong.
struct Misuse {
  const char* name;
  std::function<void()> call;
  const char* says;  // a piece of the message
};
void PrintTo(const Misuse& m, std::ostream* os) { *os << m.name; }

const Misuse kMisuses[] = {
    {"FromVectorTooFewValues",
     [] {
       Tensor::FromVector<float>({1, 2, 3}, {2, 2});
     },
     "do not fill shape"},
    {"NegativeDimension",
     [] {
       Tensor(kFloat32, {2, -3});
     },
     "fully defined shape"},
    {"TensorTooLarge",
     [] {
       Tensor(kFloat32, {int64_t{1} << 40, int64_t{1} << 40});
     },
     "overflows"},
    {"ItemOfMany", [] { Tensor(kFloat32, {2}).item<float>(); }, "item"},
    {"ReshapedToOtherSize",
     [] {
       Tensor(kFloat32, {2, 3}).Reshaped({4, 2});
     },
     "[4,2]"},
    {"SliceOutOfRange",
     [] {
       Tensor(kFloat32, {2, 3}).Slice(1, 5);
     },
     "5"},
    {"DataOfOtherDType", [] { Tensor(kFloat32, {2}).data<int32_t>(); }, "int32"},
    {"ToCategoricalOutOfRange",
     [] {
       utils::to_categorical(Tensor::FromVector<int32_t>({0, 7}, {2}), 3);
     },
     "7"},
    {"ToCategoricalNegative",
     [] {
       utils::to_categorical(Tensor::FromVector<int32_t>({0, -1}, {2}), 3);
     },
     "-1"},
    {"FitBeforeCompile",
     [] {
       Sequential m({layers::Dense(1, {.input_shape = {3}})});
       m.fit(Tensor(kFloat32, {4, 3}), Tensor(kFloat32, {4, 1}), {.verbose = 0});
     },
     "compile"},
    {"XAndYLengthsDiffer",
     [] {
       Compiled().fit(Tensor(kFloat32, {4, 3}), Tensor(kFloat32, {5, 1}), {.verbose = 0});
     },
     "5"},
    {"BatchSizeZero",
     [] {
       Compiled().fit(Tensor(kFloat32, {4, 3}), Tensor(kFloat32, {4, 1}),
                      {.batch_size = 0, .verbose = 0});
     },
     "batch_size"},
    {"WrongInputWidth",
     [] {
       Compiled().fit(Tensor(kFloat32, {4, 5}), Tensor(kFloat32, {4, 1}), {.verbose = 0});
     },
     "5"},
    {"WrongTargetWidth",
     [] {
       Compiled().fit(Tensor(kFloat32, {4, 3}), Tensor(kFloat32, {4, 7}), {.verbose = 0});
     },
     "7"},
    {"SampleWeightLength",
     [] {
       Compiled().fit(Tensor(kFloat32, {4, 3}), Tensor(kFloat32, {4, 1}),
                      {.verbose = 0, .sample_weight = Tensor(kFloat32, {3})});
     },
     "sample_weight"},
    {"PredictWrongFeatures",
     [] {
       Compiled().predict(Tensor(kFloat32, {4, 5}));
     },
     "5"},
    {"PredictBatchSizeZero",
     [] {
       Compiled().predict(Tensor(kFloat32, {4, 3}), {.batch_size = 0});
     },
     "batch_size"},
    {"EvaluateWrongTargets",
     [] {
       Compiled().evaluate(Tensor(kFloat32, {4, 3}), Tensor(kFloat32, {4, 2}), {.verbose = 0});
     },
     "2"},
    {"UnknownLoss",
     [] {
       Sequential m({layers::Dense(1, {.input_shape = {3}})});
       m.compile({.loss = "mean_squared_eror"});
     },
     "mean_squared_eror"},
    {"UnknownOptimizer",
     [] {
       Sequential m({layers::Dense(1, {.input_shape = {3}})});
       m.compile({.optimizer = "adamm", .loss = "mse"});
     },
     "adamm"},
    {"UnknownMetric",
     [] {
       Sequential m({layers::Dense(1, {.input_shape = {3}})});
       m.compile({.loss = "mse", .metrics = {"acuracy"}});
     },
     "acuracy"},
    {"SetWeightsCount",
     [] {
       Compiled().set_weights({Tensor(kFloat32, {3, 2})});
     },
     "4"},
    {"SetWeightsShape",
     [] {
       Sequential m = Compiled();
       std::vector<Tensor> w = m.get_weights();
       w[0] = Tensor(kFloat32, {2, 3});
       m.set_weights(w);
     },
     "(2, 3)"},
    {"GetLayerUnknown", [] { Compiled().get_layer("dense_99"); }, "dense_99"},
    {"DenseZeroUnits", [] { layers::Dense(0); }, "units"},
    {"DropoutRateAboveOne", [] { layers::Dropout(1.5); }, "rate"},
    {"ActivationUnknown", [] { layers::Activation("nope"); }, "nope"},
    {"ConvKernelZero", [] { layers::Conv2D(4, 0); }, "kernel_size"},
    {"ConvOnRank2",
     [] {
       Sequential m({layers::Conv2D(4, 3, {.input_shape = {8}})});
       m.predict(Tensor(kFloat32, {1, 8}));
     },
     "rank"},
    {"DenseOnWrongRank",
     [] {
       Sequential m({layers::Dense(2, {.input_shape = {3}})});
       m.predict(Tensor(kFloat32, {2, 3, 1}));
     },
     "3"},
    {"DisconnectedModel",
     [] {
       KerasTensor a = Input({.shape = {3}}), b = Input({.shape = {3}});
       Model m({.inputs = {a}, .outputs = {layers::Dense(1)(b)}});
     },
     "isconnected"},
    {"AddOfDifferentShapes",
     [] {
       KerasTensor a = Input({.shape = {3}}), b = Input({.shape = {4}});
       layers::Add()({a, b});
     },
     "Add"},
    {"LoadModelMissing", [] { load_model(::testing::TempDir() + "no_such_model.h5"); },
     "no_such_model.h5"},
    {"LoadModelFromTextFile",
     [] {
       const std::string p = ::testing::TempDir() + "not_a_model.h5";
       std::ofstream(p) << "hello\n";
       load_model(p);
     },
     "not_a_model.h5"},
    {"LoadWeightsMissing",
     [] { Compiled().load_weights(::testing::TempDir() + "no_such.weights.h5"); },
     "no_such.weights.h5"},
    {"SaveIntoMissingFolder", [] { Compiled().save(::testing::TempDir() + "no/such/dir/m.h5"); },
     "no/such/dir"},
    {"ExportOnnxIntoMissingFolder",
     [] { Compiled().export_onnx(::testing::TempDir() + "no/such/dir/m.onnx"); }, "no/such/dir"},
};

class MisuseTest : public ::testing::TestWithParam<Misuse> {};

TEST_P(MisuseTest, ThrowsAKilnError) {
  // ErrorOf catches kiln::Error only: a std:: exception escapes it and fails the test.
  const std::string message = ::kiln::testing::ErrorOf(GetParam().call);
  EXPECT_NE(message.find(GetParam().says), std::string::npos)
      << GetParam().name << ": \"" << message << "\" does not say \"" << GetParam().says << "\"";
}

INSTANTIATE_TEST_SUITE_P(PublicApi, MisuseTest, ::testing::ValuesIn(kMisuses),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace kiln::keras

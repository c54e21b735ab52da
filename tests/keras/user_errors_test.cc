// What a new user hit: empty data, validation_split out of range and a layer added after
// compile must each be a kiln::ValueError with a message that says what to do, never a silent
// empty epoch or a std:: exception that escapes `catch (const kiln::Error&)`.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace kiln::keras

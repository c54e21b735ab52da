// The founding tutorial's programs as tests: the linear and logistic examples' printed weights,
// and the Fashion-MNIST MLP on the real data for 2 epochs.
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

#include "examples/tutorial_mlp.h"
#include "keras/keras.h"

namespace kiln::keras {
namespace {

std::vector<double> NumbersPrintedBy(const std::string& binary) {
  std::string cmd = binary + " --verbose 0";
  FILE* p = popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr);
  std::string out;
  char buf[256];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_EQ(pclose(p), 0) << out;
  std::vector<double> nums;
  std::regex number(R"(-?\d+\.\d*)");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), number); it != std::sregex_iterator();
       ++it)
    nums.push_back(std::stod(it->str()));
  return nums;
}

TEST(Tutorial, LinearRegressionRecoversTheLine) {
  auto w = NumbersPrintedBy("examples/linear_regression");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_NEAR(w[0], 2, 0.1);
  EXPECT_NEAR(w[1], 3, 0.1);
  EXPECT_NEAR(w[2], 4, 0.1);
}

TEST(Tutorial, LogisticRegressionMatchesKeras) {
  auto w = NumbersPrintedBy("examples/logistic_regression");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NEAR(w[0], 1.51, 0.1);
  EXPECT_NEAR(w[1], -4.12, 0.1);
}

TEST(Tutorial, FashionMnistMlpTwoEpochs) {
  auto [train, test] = datasets::fashion_mnist::load_data();
  ASSERT_EQ(train.x.shape(), (Shape{60000, 28, 28}));
  ASSERT_EQ(test.y.shape(), (Shape{10000}));
  utils::set_random_seed(1);
  auto model_ptr = examples::TutorialMlp();
  Sequential& model = *model_ptr;
  model.compile({.optimizer = optimizers::SGD({.lr = 0.1}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  model.fit(train.x.astype(kFloat32) / 255.0, utils::to_categorical(train.y, 10),
            {.epochs = 2, .verbose = 0});
  auto score = model.evaluate(test.x.astype(kFloat32) / 255.0, utils::to_categorical(test.y, 10),
                              {.verbose = 0});
  EXPECT_GE(score[1], 0.80);
  EXPECT_LT(score[0], 0.6);
}

TEST(Datasets, MissingFileNamesFileAndPackage) {
  try {
    datasets::fashion_mnist::load_data("/nonexistent");
    FAIL();
  } catch (const IOError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("/nonexistent/train-images-idx3-ubyte.gz"), std::string::npos) << m;
    EXPECT_NE(m.find("dataset-fashion-mnist"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace kiln::keras

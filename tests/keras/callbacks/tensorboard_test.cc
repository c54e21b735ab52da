// callbacks::TensorBoard inside fit: what reaches the files by the end of each epoch (flushed, so
// a running TensorBoard sees it), no validation/ without validation, and the errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "io/tensorboard/event.pb.h"
#include "keras/keras.h"

namespace kiln::keras {
namespace {

namespace fs = std::filesystem;

// The tags and steps in a file (framing is tests/io/tensorboard_test's), read as it is now.
std::vector<std::pair<std::string, int64_t>> Tags(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::pair<std::string, int64_t>> out;
  for (size_t at = 0; at + 12 <= s.size();) {
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(s[at + i]);
    tensorboard::Event e;
    EXPECT_TRUE(e.ParseFromArray(s.data() + at + 12, static_cast<int>(n)));
    for (const auto& v : e.summary().value()) out.emplace_back(v.tag(), e.step());
    at += 16 + n;
  }
  return out;
}

Sequential SmallModel() {
  Sequential m({layers::Dense(2, {.activation = "softmax", .input_shape = {3}})});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}),
             .loss = "categorical_crossentropy",
             .metrics = {"accuracy"}});
  return m;
}

TEST(TensorBoard, EachEpochIsOnDiskWhenItEnds) {
  const fs::path dir = fs::path(testing::TempDir()) / "tb_fit";
  fs::remove_all(dir);
  Tensor x(kFloat32, {8, 3}), y(kFloat32, {8, 2});
  for (int i = 0; i < 24; ++i) x.data<float>()[i] = 0.1f * i;
  for (int i = 0; i < 8; ++i) y.data<float>()[2 * i + i % 2] = 1;
  auto tb = std::make_shared<callbacks::TensorBoard>(
      dir.string(), callbacks::TensorBoardOptions{.write_graph = false, .update_freq = 3});
  std::vector<std::vector<std::pair<std::string, int64_t>>> seen;
  auto probe = std::make_shared<callbacks::LambdaCallback>(callbacks::LambdaCallbackOptions{
      .on_epoch_end = [&](int, callbacks::Logs&) { seen.push_back(Tags(tb->train_file())); }});
  Sequential m = SmallModel();
  m.fit(x, y, {.batch_size = 2, .epochs = 2, .verbose = 0, .callbacks = {tb, probe}});
  ASSERT_EQ(seen.size(), 2u);
  // 4 batches an epoch: batch scalars at global steps 3 (epoch 0) and 6 (epoch 1).
  using T = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(seen[0], (T{{"batch_accuracy", 3},
                        {"batch_loss", 3},
                        {"epoch_accuracy", 0},
                        {"epoch_loss", 0},
                        {"epoch_learning_rate", 0}}));
  EXPECT_EQ(seen[1].size(), 10u);
  EXPECT_EQ(seen[1][5], (std::pair<std::string, int64_t>{"batch_accuracy", 6}));
  EXPECT_TRUE(tb->validation_file().empty());
  EXPECT_FALSE(fs::exists(dir / "validation"));
  EXPECT_EQ(Tags(tb->train_file()), seen[1]);
}

TEST(TensorBoard, Errors) {
  EXPECT_THROW(callbacks::TensorBoard("logs", {.histogram_freq = -1}), ValueError);
  EXPECT_THROW(callbacks::TensorBoard("logs", {.update_freq = int64_t{0}}), ValueError);
  const fs::path dir = fs::path(testing::TempDir()) / "tb_err";
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "x";
  const std::string bad = (dir / "file").string();
  Sequential m = SmallModel();
  Tensor x(kFloat32, {2, 3}), y(kFloat32, {2, 2});
  try {
    m.fit(x, y, {.verbose = 0, .callbacks = {std::make_shared<callbacks::TensorBoard>(bad)}});
    FAIL() << "no error";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find(bad + "/train"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Not a directory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kiln::keras

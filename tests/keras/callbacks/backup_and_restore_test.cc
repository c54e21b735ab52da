// BackupAndRestore against a real kill: a child process (this test binary, re-run with
// KILN_BACKUP_CHILD set) trains with a backup and SIGKILLs itself in the middle of an epoch; the
// parent then reruns the same program, which resumes from the backup, and must end with exactly
// the weights of a run that was never interrupted (shuffling, Dropout and Adam's state
// included).
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "keras/keras.h"
#include "keras/saving/keras_h5.h"
#include "tests/testing/testing.h"

extern char** environ;

namespace kiln::keras::callbacks {
namespace {

constexpr int kEpochs = 4;

struct Trainee {
  std::unique_ptr<Sequential> model;
  Tensor x, y;
};

// The same program in every process: seeded data and model, Adam, Dropout, shuffling.
Trainee Program() {
  std::mt19937 rng(7);
  Trainee r;
  r.x = testing::RandomTensor(kFloat32, {64, 4}, rng);
  r.y = testing::RandomTensor(kFloat32, {64, 1}, rng);
  utils::set_random_seed(3);
  r.model = std::make_unique<Sequential>(
      std::vector<LayerRef>{layers::Dense(16, {.activation = "relu", .input_dim = 4}),
                            layers::Dropout(0.3), layers::BatchNormalization(), layers::Dense(1)});
  r.model->compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}), .loss = "mse"});
  return r;
}

History Train(Trainee& r, CallbackList cbs) {
  return r.model->fit(r.x, r.y,
                      {.batch_size = 8, .epochs = kEpochs, .verbose = 0, .callbacks = cbs});
}

std::string BackupDir() { return std::string(getenv("TEST_TMPDIR")) + "/backup"; }

// BackupAndRestore with the save_freq the child was started with (KILN_BACKUP_FREQ: 0 for
// "epoch", else a number of batches).
std::shared_ptr<BackupAndRestore> Backup(const std::string& dir, int64_t freq) {
  return std::make_shared<BackupAndRestore>(
      dir, BackupAndRestoreOptions{.save_freq = freq ? SaveFreq(freq) : SaveFreq("epoch")});
}

// The child: killed after batch 5 of epoch 2 (8 batches an epoch).
TEST(BackupAndRestoreChild, TrainsUntilKilled) {
  const char* dir = getenv("KILN_BACKUP_CHILD");
  if (!dir) GTEST_SKIP() << "runs only as the child of ResumesAKilledRunBitForBit";
  Trainee r = Program();
  auto killer = std::make_shared<LambdaCallback>(
      LambdaCallbackOptions{.on_train_batch_end = [&](int64_t batch, Logs&) {
        if (batch == 5 && r.model->optimizer()->iterations() > 2 * 8) raise(SIGKILL);
      }});
  Train(r, {Backup(dir, std::atoi(getenv("KILN_BACKUP_FREQ"))), killer});
  ADD_FAILURE() << "the child was not killed";
}

class BackupAndRestoreKilled : public ::testing::TestWithParam<int64_t> {};

// Per epoch, the resumed run redoes epoch 2 from its start; every 3 batches (backups after the
// 21st batch in all, the 5th of epoch 2), it goes on from epoch 2's 6th batch, with that epoch's
// running loss as it was.
TEST_P(BackupAndRestoreKilled, ResumesBitForBit) {
  const int64_t freq = GetParam();
  Trainee reference = Program();
  std::vector<double> reference_losses;
  auto record = [](std::vector<double>& losses) {
    return std::make_shared<LambdaCallback>(LambdaCallbackOptions{
        .on_train_batch_end = [&](int64_t, Logs& logs) { losses.push_back(logs.at("loss")); }});
  };
  Train(reference, {record(reference_losses)});
  const std::vector<Tensor> want = reference.model->get_weights();

  const std::string dir = BackupDir() + std::to_string(freq);
  std::filesystem::remove_all(dir);
  setenv("KILN_BACKUP_CHILD", dir.c_str(), 1);
  setenv("KILN_BACKUP_FREQ", std::to_string(freq).c_str(), 1);
  std::string self = std::filesystem::read_symlink("/proc/self/exe");
  std::string filter = "--gtest_filter=BackupAndRestoreChild.*";
  char* argv[] = {self.data(), filter.data(), nullptr};
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, environ), 0);
  unsetenv("KILN_BACKUP_CHILD");
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  // What the kill left: the last backup, and no temporary file.
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(dir))
    files.push_back(f.path().filename());
  EXPECT_EQ(files, std::vector<std::string>{"latest.h5"});

  Trainee resumed = Program();
  std::vector<int> epochs_run;
  std::vector<double> resumed_losses;
  auto epochs = std::make_shared<LambdaCallback>(
      LambdaCallbackOptions{.on_epoch_begin = [&](int e, Logs&) { epochs_run.push_back(e); }});
  History h = Train(resumed, {Backup(dir, freq), epochs, record(resumed_losses)});
  EXPECT_EQ(epochs_run, (std::vector<int>{2, 3}));
  EXPECT_EQ(h.epoch, (std::vector<int>{2, 3}));
  // The batches it ran, with the reference's running losses (bit for bit).
  const size_t first = freq ? 16 + 5 : 16;
  ASSERT_EQ(resumed_losses.size(), reference_losses.size() - first);
  for (size_t i = 0; i < resumed_losses.size(); ++i)
    EXPECT_EQ(resumed_losses[i], reference_losses[first + i]) << "batch " << first + i;
  const std::vector<Tensor> got = resumed.model->get_weights();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("weight " + std::to_string(i));
    ASSERT_EQ(got[i].shape(), want[i].shape());
    EXPECT_EQ(0, std::memcmp(got[i].raw(), want[i].raw(), got[i].nbytes()));
  }
  EXPECT_EQ(resumed.model->optimizer()->iterations(), reference.model->optimizer()->iterations());
  // A finished run deletes its backup (and the directory it made).
  EXPECT_FALSE(std::filesystem::exists(dir));
}

INSTANTIATE_TEST_SUITE_P(SaveFreq, BackupAndRestoreKilled, ::testing::Values(0, 3),
                         [](const ::testing::TestParamInfo<int64_t>& p) {
                           return p.param ? "Every3Batches" : "Epoch";
                         });

TEST(BackupAndRestore, RefusesABackupOfAnotherModelAndChangesNothing) {
  const std::string dir = BackupDir() + "_other";
  {
    Trainee r = Program();
    r.model->fit(r.x, r.y,
                 {.epochs = 1,
                  .verbose = 0,
                  .callbacks = {std::make_shared<BackupAndRestore>(
                      dir, BackupAndRestoreOptions{.delete_checkpoint = false})}});
  }
  ASSERT_TRUE(std::filesystem::exists(dir + "/latest.h5"));
  utils::set_random_seed(3);
  Sequential other({layers::Dense(3, {.input_dim = 4}), layers::Dense(1)});
  other.compile({.optimizer = "adam", .loss = "mse"});
  const std::vector<Tensor> before = other.get_weights();
  std::mt19937 rng(1);
  EXPECT_THROW(other.fit(testing::RandomTensor(kFloat32, {8, 4}, rng),
                         testing::RandomTensor(kFloat32, {8, 1}, rng),
                         {.verbose = 0, .callbacks = {std::make_shared<BackupAndRestore>(dir)}}),
               Error);
  const std::vector<Tensor> after = other.get_weights();
  for (size_t i = 0; i < before.size(); ++i)
    EXPECT_EQ(0, std::memcmp(before[i].raw(), after[i].raw(), before[i].nbytes()));
  EXPECT_THROW(BackupAndRestore(""), ValueError);
  EXPECT_THROW(BackupAndRestore("x", {.save_freq = int64_t{0}}), ValueError);
  // A backup whose training state is not BackupAndRestore's (a plain saved model) is refused.
  const std::string plain_dir = BackupDir() + "_plain";
  std::filesystem::create_directories(plain_dir);
  other.save(plain_dir + "/latest.h5");
  EXPECT_THROW(
      other.fit(testing::RandomTensor(kFloat32, {8, 4}, rng),
                testing::RandomTensor(kFloat32, {8, 1}, rng),
                {.verbose = 0, .callbacks = {std::make_shared<BackupAndRestore>(plain_dir)}}),
      IOError);
}

}  // namespace
}  // namespace kiln::keras::callbacks

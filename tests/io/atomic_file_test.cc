// Saves that cannot lose the previous file: every format Kiln writes (.h5, .weights.h5, a .keras
// path, .kiln, .npy) on a full disk (a file-size limit in a forked child) keeps the previous file
// byte for byte, names the path and the cause, leaves no temporary file and no open libhdf5 object
// (the child exits cleanly through libhdf5's atexit handler); stale temporary files of killed
// savers are swept by the next save of the same path.
#include "io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "io/h5.h"
#include "io/npy.h"
#include "keras/keras.h"
#include "tests/testing/crafted_files.h"
#include "tests/testing/testing.h"

namespace kiln {
namespace {

using namespace kiln::keras;
namespace fs = std::filesystem;
using ::kiln::testing::ChildOutcome;
using ::kiln::testing::ChildWithFileSizeLimit;
using ::kiln::testing::ErrorOf;

// A fresh directory per test, so that the listings below see only what the test made.
std::string Dir(const std::string& name) {
  const fs::path d = fs::path(getenv("TEST_TMPDIR")) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A pid that existed and is gone: a child that has exited and been reaped.
pid_t DeadPid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status;
  waitpid(pid, &status, 0);
  return pid;
}

// Big enough (about 400 KB of weights) that no format fits under the 4 KiB limit below.
std::unique_ptr<Sequential> Model(uint32_t seed) {
  utils::set_random_seed(seed);
  auto m = std::make_unique<Sequential>();
  m->add(layers::Dense(256, {.activation = "relu", .input_shape = {400}}));
  m->add(layers::Dense(10, {.activation = "softmax"}));
  m->compile({.optimizer = optimizers::SGD({.lr = 0.1, .momentum = 0.9}),
              .loss = "categorical_crossentropy"});
  return m;
}

constexpr uint64_t kLimit = 4096;

// `save` writes `path`, first outside any limit (the previous file), then with a new model in a
// child whose disk is full: the previous file must survive byte for byte.
void ExpectFullDiskKeepsPreviousFile(const std::string& dir, const std::string& path,
                                     const std::function<void(const std::string&)>& save_old,
                                     const std::function<void(const std::string&)>& save_new) {
  save_old(path);
  const std::string before = Bytes(path);
  ASSERT_GT(before.size(), kLimit);
  const ChildOutcome out = ChildWithFileSizeLimit(kLimit, [&] { save_new(path); });
  ASSERT_TRUE(WIFEXITED(out.wait_status))
      << "the child died with signal " << WTERMSIG(out.wait_status);
  EXPECT_EQ(WEXITSTATUS(out.wait_status), 0);
  EXPECT_EQ(out.error.rfind("IOError: " + path + ": ", 0), 0u) << out.error;
  EXPECT_NE(out.error.find("File too large"), std::string::npos) << out.error;
  EXPECT_EQ(out.open_hdf5_objects, 0) << out.error;
  EXPECT_EQ(Bytes(path), before) << path << " changed";
  EXPECT_EQ(Listing(dir), std::vector<std::string>{fs::path(path).filename().string()});
  // Without the limit the same save goes through, and the file differs from the previous one.
  save_new(path);
  EXPECT_NE(Bytes(path), before);
  EXPECT_EQ(Listing(dir), std::vector<std::string>{fs::path(path).filename().string()});
}

TEST(FullDisk, ModelH5KeepsThePreviousFile) {
  const std::string dir = Dir("h5");
  auto a = Model(1), b = Model(2);
  ExpectFullDiskKeepsPreviousFile(
      dir, dir + "/model.h5", [&](const std::string& p) { a->save(p); },
      [&](const std::string& p) { b->save(p); });
  EXPECT_TRUE(load_model(dir + "/model.h5")->get_weights()[0].BitwiseEquals(b->get_weights()[0]));
}

TEST(FullDisk, WeightsH5KeepsThePreviousFile) {
  const std::string dir = Dir("weights");
  auto a = Model(1), b = Model(2);
  ExpectFullDiskKeepsPreviousFile(
      dir, dir + "/model.weights.h5", [&](const std::string& p) { a->save_weights(p); },
      [&](const std::string& p) { b->save_weights(p); });
}

// Kiln writes no .keras archive of its own (a save to a .keras path writes Keras HDF5), so the
// previous file here is a real Keras 3 archive, which must survive a failed save over it.
TEST(FullDisk, KerasArchivePathKeepsThePreviousFile) {
  const std::string dir = Dir("keras");
  auto b = Model(2);
  ExpectFullDiskKeepsPreviousFile(
      dir, dir + "/model.keras",
      [&](const std::string& p) {
        fs::copy_file("tests/fixtures/keras/keras-3.8_masking-lstm.keras", p);
      },
      [&](const std::string& p) { b->save(p); });
}

TEST(FullDisk, KilnGraphKeepsThePreviousFile) {
  const std::string dir = Dir("kiln");
  auto a = Model(1), b = Model(2);
  ExpectFullDiskKeepsPreviousFile(
      dir, dir + "/model.kiln", [&](const std::string& p) { a->export_graph(p); },
      [&](const std::string& p) { b->export_graph(p); });
}

TEST(FullDisk, NpyKeepsThePreviousFile) {
  const std::string dir = Dir("npy");
  auto a = Model(1), b = Model(2);
  ExpectFullDiskKeepsPreviousFile(
      dir, dir + "/w.npy", [&](const std::string& p) { npy::Save(p, a->get_weights()[0]); },
      [&](const std::string& p) { npy::Save(p, b->get_weights()[0]); });
}

TEST(FullDisk, NewFileLeavesNothingBehind) {
  const std::string dir = Dir("new");
  auto a = Model(1);
  const ChildOutcome out = ChildWithFileSizeLimit(kLimit, [&] { a->save(dir + "/new.h5"); });
  ASSERT_TRUE(WIFEXITED(out.wait_status));
  EXPECT_NE(out.error.find("File too large"), std::string::npos) << out.error;
  EXPECT_EQ(out.open_hdf5_objects, 0);
  EXPECT_TRUE(Listing(dir).empty());
}

TEST(AtomicFile, SweepsStaleTemporariesOfDeadProcessesOnly) {
  const std::string dir = Dir("sweep");
  const std::string path = dir + "/model.npy";
  const pid_t dead = DeadPid();
  const std::string stale = dir + "/.model.npy.kiln-tmp-" + std::to_string(dead);
  const std::string alive = dir + "/.model.npy.kiln-tmp-" + std::to_string(getppid());
  const std::string other = dir + "/.other.npy.kiln-tmp-" + std::to_string(dead);
  const std::string unrelated = dir + "/.model.npy.kiln-tmp-notapid";
  for (const auto& p : {stale, alive, other, unrelated}) std::ofstream(p) << "partial";
  npy::Save(path, Tensor::FromVector<float>({1, 2, 3}, {3}));
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(alive));      // maybe a save in progress
  EXPECT_TRUE(fs::exists(other));      // another file's, swept by that file's next save
  EXPECT_TRUE(fs::exists(unrelated));  // not a name Kiln makes
  EXPECT_EQ(npy::Load(path).ToVector<float>(), (std::vector<float>{1, 2, 3}));
  npy::Save(dir + "/other.npy", Tensor::FromVector<float>({4}, {1}));
  EXPECT_FALSE(fs::exists(other));
}

TEST(AtomicFile, TemporaryNameIsHiddenNextToTheTarget) {
  EXPECT_EQ(AtomicTempPath("/a/b/model.h5"), "/a/b/.model.h5.kiln-tmp-" + std::to_string(getpid()));
  EXPECT_EQ(AtomicTempPath("model.h5"), ".model.h5.kiln-tmp-" + std::to_string(getpid()));
}

TEST(AtomicFile, FailedWriteRemovesTheTemporaryAndNamesTheTarget) {
  const std::string dir = Dir("fail");
  const std::string path = dir + "/out.bin";
  WriteFileAtomically(path, [](const std::string& tmp) { WriteBytes(tmp, {"old"}); });
  // An IOError naming the temporary file is reported under the real name.
  const std::string msg = ErrorOf([&] {
    WriteFileAtomically(path, [](const std::string& tmp) {
      WriteBytes(tmp, {"half"});
      throw IOError(tmp + ": cannot write dataset 'x'");
    });
  });
  EXPECT_EQ(msg, path + ": cannot write dataset 'x'");
  // Other exceptions pass through unchanged.
  EXPECT_THROW(WriteFileAtomically(path, [](const std::string&) { throw ValueError("no"); }),
               ValueError);
  EXPECT_EQ(Bytes(path), "old");
  EXPECT_EQ(Listing(dir), std::vector<std::string>{"out.bin"});
  EXPECT_NE(ErrorOf([&] {
              WriteFileAtomically(dir + "/missing/x", [](const std::string&) {});
            }).find("does not exist"),
            std::string::npos);
  // A writer that writes nothing: the sync of the missing temporary fails, and says so.
  EXPECT_NE(ErrorOf([&] {
              WriteFileAtomically(path, [](const std::string&) {});
            }).find("No such file or directory"),
            std::string::npos);
  EXPECT_EQ(Bytes(path), "old");
}

TEST(AtomicFile, WriteBytesReportsTheCause) {
  const std::string dir = Dir("bytes");
  EXPECT_NE(ErrorOf([&] {
              WriteBytes(dir + "/no/such/dir", {"x"});
            }).find("cannot create the file: No such file or directory"),
            std::string::npos);
  const std::string big(64 * 1024, 'x');
  const ChildOutcome out = ChildWithFileSizeLimit(kLimit, [&] { WriteBytes(dir + "/f", {big}); });
  EXPECT_EQ(out.error, "IOError: " + dir + "/f: cannot write: File too large");
}

}  // namespace
}  // namespace kiln

// The HDF5 layer: created files reach the disk only through Close, declared dataset sizes are
// checked against the file, group walks end on link cycles and bound the depth, and every call
// into libhdf5 goes through one lock, so several threads can use it at once.
#include "io/h5.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/testing/crafted_files.h"
#include "tests/testing/testing.h"

namespace kiln::h5 {
namespace {

namespace fs = std::filesystem;
using ::kiln::testing::ErrorOf;
using ::kiln::testing::LinkKind;

std::string Tmp(const std::string& name) {
  return (fs::path(getenv("TEST_TMPDIR")) / name).string();
}

long OpenObjects() {
  const Lock lock;
  return static_cast<long>(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL));
}

std::vector<std::string> Walk(hid_t root, int max_depth = 32) {
  std::vector<std::string> seen;
  WalkGroups(
      root,
      [&](hid_t, const std::string& path) {
        seen.push_back(path);
        return true;
      },
      max_depth);
  return seen;
}

TEST(H5File, CreatedFilesReachTheDiskOnlyThroughClose) {
  const std::string path = Tmp("created.h5");
  fs::remove(path);
  {
    File f = File::Create(path);
    WriteDataset(f.id(), "g/x", Tensor::FromVector<float>({1, 2}, {2}));
  }
  EXPECT_FALSE(fs::exists(path));  // abandoned (a save that failed half-way): nothing written
  EXPECT_EQ(OpenObjects(), 0);
  {
    File f = File::Create(path);
    Handle g = CreateGroup(f.id(), "g");  // still open at Close: the image is complete anyway
    WriteDataset(g.id(), "x", Tensor::FromVector<float>({1, 2}, {2}));
    f.Close();
    EXPECT_FALSE(f.id() >= 0);
    f.Close();  // a second Close does nothing
  }
  EXPECT_EQ(OpenObjects(), 0);
  File f = File::Open(path);
  EXPECT_EQ(ReadDataset(f.id(), "g/x").ToVector<float>(), (std::vector<float>{1, 2}));
  f.Close();
  EXPECT_EQ(OpenObjects(), 0);
  // A Close that cannot write names the path and the cause.
  File bad = File::Create(Tmp("no/such/dir.h5"));
  EXPECT_EQ(ErrorOf([&] { bad.Close(); }),
            Tmp("no/such/dir.h5") + ": cannot create the file: No such file or directory");
  EXPECT_EQ(OpenObjects(), 0);
}

TEST(WalkGroups, VisitsEachGroupOnceDepthFirstInNameOrder) {
  const std::string path = Tmp("tree.h5");
  {
    File f = File::Create(path);
    for (const char* g : {"b/y", "a/z", "a/x/deep", "c"}) CreateGroup(f.id(), g);
    WriteDataset(f.id(), "a/data", Tensor::Scalar<float>(1));
    f.Close();
  }
  File f = File::Open(path);
  EXPECT_EQ(Walk(f.id()),
            (std::vector<std::string>{"", "a", "a/x", "a/x/deep", "a/z", "b", "b/y", "c"}));
  // `visit` returning false prunes the subtree.
  std::vector<std::string> pruned;
  WalkGroups(f.id(), [&](hid_t, const std::string& p) {
    pruned.push_back(p);
    return p != "a";
  });
  EXPECT_EQ(pruned, (std::vector<std::string>{"", "a", "b", "b/y", "c"}));
}

TEST(WalkGroups, EndsOnHardAndSoftLinkCycles) {
  for (LinkKind kind : {LinkKind::kHard, LinkKind::kSoft}) {
    const std::string path = Tmp("cycle.weights.h5");
    testing::WriteKeras3WeightsWithCycle(path, kind);
    File f = File::Open(path);
    // cell -> layers/dense and cell2/up -> layers lead back to groups already seen.
    EXPECT_EQ(Walk(f.id()), (std::vector<std::string>{"", "layers", "layers/dense",
                                                      "layers/dense/cell2", "layers/dense/vars"}));
    Handle dense = OpenGroup(f.id(), "layers/dense");
    EXPECT_EQ(Walk(dense.id()), (std::vector<std::string>{"", "cell2", "cell2/up", "vars"}));
  }
  EXPECT_EQ(OpenObjects(), 0);
}

TEST(WalkGroups, RefusesGroupsNestedTooDeep) {
  const std::string path = Tmp("deep.h5");
  std::string deep = "g";
  for (int i = 0; i < 40; ++i) deep += "/g";
  {
    File f = File::Create(path);
    CreateGroup(f.id(), deep);
    f.Close();
  }
  File f = File::Open(path);
  EXPECT_EQ(Walk(f.id(), 64).size(), 42u);
  const std::string msg = ErrorOf([&] { Walk(f.id()); });
  EXPECT_EQ(msg.rfind(path + ": groups nested more than 32 levels deep at 'g/g/g", 0), 0u) << msg;
}

TEST(ReadDataset, RefusesDeclaredSizesTheFileCannotHold) {
  const std::string path = Tmp("declared.h5");
  {
    File f = File::Create(path);
    const Lock lock;
    // Chunked and never written: the file holds no data for it.
    hsize_t dims[2] = {1u << 20, 1u << 20}, chunk[2] = {64, 64};
    Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    H5Pset_chunk(dcpl.id(), 2, chunk);
    Handle ds(
        H5Dcreate2(f.id(), "huge", H5T_IEEE_F32LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
        H5Dclose);
    ASSERT_TRUE(ds.valid());
    f.Close();
  }
  File f = File::Open(path);
  EXPECT_EQ(ErrorOf([&] { ReadDataset(f.id(), "huge"); }),
            path + ": dataset 'huge' declares shape [1048576,1048576], larger than the file");
}

// Several threads writing and reading files at once. Debian 12's libhdf5 happens to be built
// thread-safe, so this passes there even without Kiln's lock; with a library built without
// --enable-threadsafe it is the lock that keeps these threads from corrupting it.
TEST(H5Threads, ConcurrentWritesAndReadsAreSerialized) {
  constexpr int kThreads = 8, kRounds = 25;
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t, &failures] {
      try {
        for (int r = 0; r < kRounds; ++r) {
          const std::string path = Tmp("thread" + std::to_string(t) + ".h5");
          std::vector<float> values(1000);
          for (size_t i = 0; i < values.size(); ++i) values[i] = float(t * 100000 + r * 1000 + i);
          {
            File f = File::Create(path);
            for (int k = 0; k < 4; ++k) {
              WriteDataset(f.id(), "layers/l" + std::to_string(k) + "/vars/0",
                           Tensor::FromVector<float>(values, {10, 100}));
              WriteVlenStringAttr(f.id(), "attr" + std::to_string(k), std::to_string(r));
            }
            f.Close();
          }
          File f = File::Open(path);
          int groups = 0;
          WalkGroups(f.id(), [&](hid_t, const std::string&) { return ++groups > 0; });
          if (groups != 1 + 1 + 4 * 2) failures[t] = "walk saw " + std::to_string(groups);
          for (int k = 0; k < 4; ++k) {
            if (ReadDataset(f.id(), "layers/l" + std::to_string(k) + "/vars/0").ToVector<float>() !=
                values)
              failures[t] = "wrong data in round " + std::to_string(r);
            if (ReadStringAttr(f.id(), "attr" + std::to_string(k)) != std::to_string(r))
              failures[t] = "wrong attribute in round " + std::to_string(r);
          }
        }
      } catch (const std::exception& e) {
        failures[t] = e.what();
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
  EXPECT_EQ(OpenObjects(), 0);
}

// libhdf5 keeps its error-printing switch per thread (the thread-safe build's error stacks are):
// a failure in a worker thread must not print HDF5's error stack to stderr either.
TEST(H5Threads, FailuresInOtherThreadsPrintNothing) {
  const std::string path = Tmp("quiet.h5");
  {
    File f = File::Create(path);
    CreateGroup(f.id(), "group");
    f.Close();
  }
  std::string error;
  ::testing::internal::CaptureStderr();
  std::thread([&] {
    File f = File::Open(path);
    error = ErrorOf([&] { ReadDataset(f.id(), "group"); });
  }).join();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(error, path + ": cannot open dataset 'group'");
}

// Every entry point takes the lock: while this thread holds it, another thread's call waits.
TEST(H5Threads, CallsWaitForTheLock) {
  const std::string path = Tmp("locked.h5");
  {
    File f = File::Create(path);
    WriteDataset(f.id(), "x", Tensor::Scalar<float>(3));
    f.Close();
  }
  std::atomic<bool> started{false}, done{false};
  std::thread reader;
  {
    const Lock lock;
    reader = std::thread([&] {
      started = true;
      File f = File::Open(path);
      EXPECT_EQ(ReadDataset(f.id(), "x").item<float>(), 3.f);
      done = true;
    });
    while (!started) std::this_thread::yield();
    // Time for the reader to finish if nothing held it back; it cannot while the lock is held.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_FALSE(done);
  }
  reader.join();
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace kiln::h5

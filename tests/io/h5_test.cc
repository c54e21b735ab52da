// The HDF5 layer: created files reach the disk only through Close, declared dataset sizes are
// checked against the file, and group walks end on link cycles and bound the depth.
#include "io/h5.h"

#include <gtest/gtest.h>

#include <filesystem>

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

long OpenObjects() { return static_cast<long>(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL)); }

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

}  // namespace
}  // namespace kiln::h5

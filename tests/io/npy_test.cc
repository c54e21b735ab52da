// .npy files: round trips, the header parser on what numpy writes (and Python 2's numpy wrote), and
// hostile headers (huge, malformed, overflowing shapes), each refused with a kiln::IOError naming
// the file, never a crash.
#include "io/npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/testing/crafted_files.h"
#include "tests/testing/testing.h"

namespace kiln::npy {
namespace {

using ::kiln::testing::ErrorOf;
using ::kiln::testing::WriteNpy;

std::string Tmp(const std::string& name) {
  return (std::filesystem::path(getenv("TEST_TMPDIR")) / name).string();
}

std::string Floats(std::vector<float> v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// The error Load gives for a file with this header and data, or "loaded <shape>".
std::string LoadHeader(const std::string& header, const std::string& data = "", int major = 1) {
  const std::string path = Tmp("crafted.npy");
  WriteNpy(path, major, header, data);
  try {
    return "loaded " + Load(path).shape().ToString();
  } catch (const IOError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << msg;
    return msg.substr(path.size() + 2);
  }
}

TEST(Npy, RoundTrips) {
  const Tensor t = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  Save(Tmp("t.npy"), t);
  EXPECT_TRUE(Load(Tmp("t.npy")).BitwiseEquals(t));
  const Tensor s = Tensor::Scalar<double>(2.5);
  Save(Tmp("s.npy"), s);
  EXPECT_TRUE(Load(Tmp("s.npy")).BitwiseEquals(s));
  const Tensor e(kUInt8, {0, 4});
  Save(Tmp("e.npy"), e);
  EXPECT_EQ(Load(Tmp("e.npy")).shape(), (Shape{0, 4}));
}

TEST(Npy, ParsesTheHeadersNumpyWrites) {
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }       \n",
                       Floats({1, 2})),
            "loaded [2,1]");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Floats({1, 2})),
            "loaded [2]");
  EXPECT_EQ(
      LoadHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", std::string(8, '\0')),
      "loaded []");
  // Key order is free, double quotes are Python too, and Python 2's numpy wrote 3L.
  EXPECT_EQ(LoadHeader("{\"shape\": (2L,1L), \"fortran_order\": False, \"descr\": \"<f4\"}",
                       Floats({1, 2})),
            "loaded [2,1]");
  // Versions 2 and 3 have a 32-bit header length.
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Floats({1}), 2),
            "loaded [1]");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Floats({1}), 3),
            "loaded [1]");
}

TEST(Npy, RefusesMalformedHeaders) {
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'shape': (2,)}"), "header has no fortran_order");
  EXPECT_EQ(LoadHeader("{'fortran_order': False, 'shape': (2,)}"), "header has no descr");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False}"), "header has no shape");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}"),
            "Fortran-order arrays are not supported (save with np.ascontiguousarray)");
  EXPECT_EQ(LoadHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}"),
            "unsupported dtype (structured arrays are not supported)");
  EXPECT_EQ(LoadHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}"),
            "unsupported dtype '<c8' (float32, float64, int32, int64, uint8, bool)");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}"),
            "header has an unexpected key 'x'");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}"),
            "malformed header: shape holds something other than non-negative integers");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}"),
            "malformed header: fortran_order is neither True nor False");
  EXPECT_EQ(LoadHeader("{'descr': '<f4"), "malformed header: unterminated string");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk"),
            "header has text after its dict");
  EXPECT_EQ(LoadHeader(""), "malformed header: expected '{' at byte 0");
  EXPECT_EQ(LoadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ((((((2,)}"),
            "malformed header: shape holds something other than non-negative integers");
}

// A backtracking regex overflowed the stack on these (under the old 1 MiB cap); the parser reads
// each byte once, and only the format's own limits and the file's size bound the header.
TEST(Npy, RefusesHugeHeaders) {
  const std::string long_descr(1000 << 10, 'f');
  const std::string msg =
      LoadHeader("{'descr': '" + long_descr + "', 'fortran_order': False, 'shape': (1,)}", "", 2);
  EXPECT_EQ(msg.rfind("unsupported dtype 'ffff", 0), 0u) << msg.substr(0, 100);
  EXPECT_LT(msg.size(), 200u);  // the message quotes only the start of it
  std::string many_dims = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < 300000; ++i) many_dims += "1, ";
  EXPECT_EQ(LoadHeader(many_dims + ")}", "", 2), "shape has more than 64 dimensions");
  const std::string spaces(2 << 20, ' ');
  EXPECT_EQ(LoadHeader("{'descr':" + spaces + "'<f4', 'fortran_order': False, 'shape': (1,)}",
                       Floats({7}), 3),
            "loaded [1]");
  // A header length beyond the file is refused before anything is allocated for it.
  const std::string path = Tmp("short.npy");
  WriteNpy(path, 2, "", "");
  std::filesystem::resize_file(path, 12);
  {
    std::FILE* f = std::fopen(path.c_str(), "r+b");
    std::fseek(f, 8, SEEK_SET);
    std::fputs("\xff\xff\xff\xff", f);
    std::fclose(f);
  }
  EXPECT_NE(ErrorOf([&] {
              Load(path);
            }).find("truncated header (it declares 4294967295 bytes, the file has 0"),
            std::string::npos);
}

TEST(Npy, RefusesShapesThatOverflowOrExceedTheFile) {
  const std::string head = "{'descr': '<f4', 'fortran_order': False, 'shape': ";
  // A zero next to huge dimensions: 0 elements, but the strides would overflow.
  EXPECT_EQ(LoadHeader(head + "(0, 4294967296, 4294967296)}"),
            "declares shape [0,4294967296,4294967296], whose size overflows");
  EXPECT_EQ(LoadHeader(head + "(4294967296, 4294967296, 0)}"),
            "declares shape [4294967296,4294967296,0], whose size overflows");
  EXPECT_EQ(LoadHeader(head + "(99999999999999999999,)}"),
            "a dimension in the header's shape does not fit in 64 bits");
  EXPECT_EQ(LoadHeader(head + "(2000000000, 2000000000)}"),
            "declares shape [2000000000,2000000000], more data than the file holds");
  EXPECT_EQ(LoadHeader(head + "(3,)}", Floats({1, 2})),
            "declares shape [3], more data than the file holds");
  EXPECT_EQ(LoadHeader(head + "(0, 5)}"), "loaded [0,5]");
}

TEST(Npy, RefusesWhatIsNotNpy) {
  const std::string path = Tmp("text.npy");
  std::ofstream(path) << "hello world";
  EXPECT_EQ(ErrorOf([&] { Load(path); }), path + ": not a .npy file");
  EXPECT_EQ(ErrorOf([&] { Load(Tmp("missing.npy")); }),
            Tmp("missing.npy") + ": No such file or directory");
  WriteNpy(path, 9, "{}", "");
  EXPECT_EQ(ErrorOf([&] { Load(path); }), path + ": unsupported .npy version 9");
}

}  // namespace
}  // namespace kiln::npy

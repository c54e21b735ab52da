// The IDX reader (behind datasets::fashion_mnist) on crafted files: dimensions whose product
// overflows, or that the data does not fill, are refused with the file's name.
#include "io/idx.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/testing/crafted_files.h"

namespace kiln::io {
namespace {

using ::kiln::testing::WriteIdxGz;

std::string Tmp(const std::string& name) {
  return (std::filesystem::path(getenv("TEST_TMPDIR")) / name).string();
}

std::string ErrorOfIdx(const std::vector<uint32_t>& dims, const std::string& data) {
  const std::string path = Tmp("crafted-idx1-ubyte.gz");
  WriteIdxGz(path, dims, data);
  try {
    return "loaded " + ReadIdx(path).shape().ToString();
  } catch (const IOError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << msg;
    return msg.substr(path.size() + 2);
  }
}

TEST(ReadIdx, ReadsWhatTheHeaderDeclares) {
  EXPECT_EQ(ErrorOfIdx({2, 3}, "abcdef"), "loaded [2,3]");
  EXPECT_EQ(ErrorOfIdx({0, 28, 28}, ""), "loaded [0,28,28]");
  const std::string path = Tmp("values-idx1-ubyte.gz");
  WriteIdxGz(path, {3}, "\x01\x02\xff");
  EXPECT_EQ(ReadIdx(path).ToVector<uint8_t>(), (std::vector<uint8_t>{1, 2, 255}));
}

TEST(ReadIdx, RefusesDimensionsThatOverflow) {
  EXPECT_EQ(ErrorOfIdx({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, ""),
            "IDX dimensions [4294967295,4294967295,4294967295,4294967295] overflow");
  // A zero does not make the other dimensions' strides fit.
  EXPECT_EQ(ErrorOfIdx({0, 0xffffffff, 0xffffffff, 0xffffffff}, ""),
            "IDX dimensions [0,4294967295,4294967295,4294967295] overflow");
  // Fits in 64 bits, but the data is not there.
  EXPECT_EQ(
      ErrorOfIdx({0xffffffff, 0x7fffffff}, "abc"),
      "expected 9223372030412324865 bytes of data for shape [4294967295,2147483647], found 3");
  EXPECT_EQ(ErrorOfIdx({2, 3}, "abc"), "expected 6 bytes of data for shape [2,3], found 3");
  EXPECT_EQ(ErrorOfIdx({1, 1, 1, 1, 1}, "a"), "bad IDX header");
}

TEST(ReadIdx, ReadsNoMoreThanTheHeaderDeclares) {
  // 1 MB of zeros compresses to about 1 KB: more data than declared is refused without keeping it.
  EXPECT_EQ(ErrorOfIdx({2, 3}, std::string(1 << 20, '\0')),
            "expected 6 bytes of data for shape [2,3], found more");
}

}  // namespace
}  // namespace kiln::io

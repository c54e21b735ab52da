#include "io/idx.h"

#include <zlib.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "graph/error.h"

namespace kiln::io {
namespace {

std::vector<unsigned char> ReadGz(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw IOError("IDX file not found: " + path);
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw IOError("cannot open " + path);
  std::vector<unsigned char> data;
  unsigned char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) data.insert(data.end(), buf, buf + n);
  const bool failed = n < 0;
  gzclose(f);
  if (failed) throw IOError("corrupt gzip data in " + path);
  return data;
}

}  // namespace

Tensor ReadIdx(const std::string& path) {
  const std::vector<unsigned char> d = ReadGz(path);
  auto be32 = [&](size_t at) {
    return (uint32_t(d[at]) << 24) | (uint32_t(d[at + 1]) << 16) | (uint32_t(d[at + 2]) << 8) |
           d[at + 3];
  };
  if (d.size() < 4 || d[0] != 0 || d[1] != 0 || d[2] != 0x08)
    throw IOError(path + ": not an unsigned-byte IDX file (bad magic number)");
  const int rank = d[3];
  if (rank < 1 || rank > 4 || d.size() < 4 + 4 * size_t(rank))
    throw IOError(path + ": bad IDX header");
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) dims.push_back(be32(4 + 4 * i));
  const std::optional<int64_t> n = CheckedNumElements(dims);
  if (!n) throw IOError(path + ": IDX dimensions " + Shape(dims).ToString() + " overflow");
  const size_t offset = 4 + 4 * size_t(rank);
  if (uint64_t(*n) != d.size() - offset)
    throw IOError(path + ": expected " + std::to_string(*n) + " bytes of data for shape " +
                  Shape(dims).ToString() + ", found " + std::to_string(d.size() - offset));
  Tensor t(kUInt8, Shape(dims));
  std::copy(d.begin() + offset, d.end(), t.data<uint8_t>());
  return t;
}

}  // namespace kiln::io

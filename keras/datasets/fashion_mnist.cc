#include "keras/datasets/fashion_mnist.h"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace kiln::keras::datasets {
namespace {

std::vector<unsigned char> ReadGz(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw IOError("Fashion-MNIST file not found: " + path +
                  " (install Debian's package dataset-fashion-mnist, or set KILN_DATA_DIR)");
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

namespace fashion_mnist {

std::pair<Split, Split> load_data(const std::string& dir_arg) {
  std::string dir = dir_arg;
  if (dir.empty()) {
    const char* env = std::getenv("KILN_DATA_DIR");
    dir = env && *env ? env : kDefaultDir;
  }
  auto file = [&](const char* name) { return ReadIdx(dir + "/" + name); };
  Split train{file("train-images-idx3-ubyte.gz"), file("train-labels-idx1-ubyte.gz")};
  Split test{file("t10k-images-idx3-ubyte.gz"), file("t10k-labels-idx1-ubyte.gz")};
  if (train.x.dim(0) != train.y.dim(0) || test.x.dim(0) != test.y.dim(0))
    throw IOError(dir + ": image and label counts differ");
  return {train, test};
}

}  // namespace fashion_mnist
}  // namespace kiln::keras::datasets

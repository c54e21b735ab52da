#include "io/idx.h"

#include <zlib.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "graph/error.h"
#include "io/regular_file.h"

namespace kiln::io {
namespace {

// A gzip'd (or plain: zlib reads those as they are) stream, read no further than asked, so that a
// small file cannot make the reader inflate or allocate more than its header declares.
class GzReader {
 public:
  explicit GzReader(const std::string& path) : path_(path) {
    RequireRegularFile(path);
    f_ = gzopen(path.c_str(), "rb");
    if (!f_) throw IOError("cannot open " + path);
  }
  ~GzReader() { gzclose(f_); }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  // Up to `n` bytes appended to `out`; fewer only at the end of the data.
  void Read(uint64_t n, std::vector<unsigned char>& out) {
    unsigned char buf[1 << 16];
    while (n > 0) {
      const int got = gzread(f_, buf, static_cast<unsigned>(std::min<uint64_t>(n, sizeof buf)));
      if (got < 0) throw IOError("corrupt gzip data in " + path_);
      if (got == 0) return;
      out.insert(out.end(), buf, buf + got);
      n -= static_cast<uint64_t>(got);
    }
  }

 private:
  std::string path_;
  gzFile f_;
};

}  // namespace

Tensor ReadIdx(const std::string& path) {
  GzReader in(path);
  std::vector<unsigned char> d;
  in.Read(4, d);
  if (d.size() < 4 || d[0] != 0 || d[1] != 0 || d[2] != 0x08)
    throw IOError(path + ": not an unsigned-byte IDX file (bad magic number)");
  const int rank = d[3];
  if (rank < 1 || rank > 4) throw IOError(path + ": bad IDX header");
  in.Read(4 * uint64_t(rank), d);
  if (d.size() < 4 + 4 * size_t(rank)) throw IOError(path + ": bad IDX header");
  auto be32 = [&](size_t at) {
    return (uint32_t(d[at]) << 24) | (uint32_t(d[at + 1]) << 16) | (uint32_t(d[at + 2]) << 8) |
           d[at + 3];
  };
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) dims.push_back(be32(4 + 4 * i));
  const std::optional<int64_t> n = CheckedNumElements(dims);
  if (!n) throw IOError(path + ": IDX dimensions " + Shape(dims).ToString() + " overflow");
  const size_t offset = d.size();
  // One byte more than declared, to tell trailing data from an exact fit.
  in.Read(uint64_t(*n) + 1, d);
  if (uint64_t(*n) != d.size() - offset)
    throw IOError(path + ": expected " + std::to_string(*n) + " bytes of data for shape " +
                  Shape(dims).ToString() + ", found " +
                  (d.size() - offset > uint64_t(*n) ? "more" : std::to_string(d.size() - offset)));
  Tensor t(kUInt8, Shape(dims));
  std::copy(d.begin() + offset, d.end(), t.data<uint8_t>());
  return t;
}

}  // namespace kiln::io

#include "io/npy.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string_view>

#include "io/atomic_file.h"

namespace kiln::npy {
namespace {

const char kMagic[] = "\x93NUMPY";

std::string Descr(DType t) {
  switch (t) {
    case kFloat32:
      return "<f4";
    case kFloat64:
      return "<f8";
    case kInt32:
      return "<i4";
    case kInt64:
      return "<i8";
    case kUInt8:
      return "|u1";
    case kBool:
      return "|b1";
  }
  return "?";
}

}  // namespace

Tensor Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError(path + ": cannot open");
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 6) != 0)
    throw IOError(path + ": not a .npy file");
  const int major = static_cast<unsigned char>(magic[6]);
  uint32_t header_len = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) throw IOError(path + ": truncated header");
    header_len = b[0] | (b[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) throw IOError(path + ": truncated header");
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t(b[3]) << 24);
  } else {
    throw IOError(path + ": unsupported .npy version " + std::to_string(major));
  }
  if (header_len > (1u << 20)) throw IOError(path + ": header too large");
  std::string header(header_len, '\0');
  if (!in.read(header.data(), header_len)) throw IOError(path + ": truncated header");
  std::smatch m;
  if (!std::regex_search(header, m, std::regex(R"('descr'\s*:\s*'([^']*)')")))
    throw IOError(path + ": header has no descr");
  const std::string descr = m[1];
  if (std::regex_search(header, std::regex(R"('fortran_order'\s*:\s*True)")))
    throw IOError(path +
                  ": Fortran-order arrays are not supported (save with np.ascontiguousarray)");
  if (!std::regex_search(header, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))")))
    throw IOError(path + ": header has no shape");
  std::vector<int64_t> dims;
  const std::string shape_text = m[1];
  const std::regex digits(R"(\d+)");
  for (auto it = std::sregex_iterator(shape_text.begin(), shape_text.end(), digits);
       it != std::sregex_iterator(); ++it)
    dims.push_back(std::stoll(it->str()));
  DType dtype;
  if (descr == "<f4")
    dtype = kFloat32;
  else if (descr == "<f8")
    dtype = kFloat64;
  else if (descr == "<i4")
    dtype = kInt32;
  else if (descr == "<i8")
    dtype = kInt64;
  else if (descr == "|u1" || descr == "<u1")
    dtype = kUInt8;
  else if (descr == "|b1")
    dtype = kBool;
  else
    throw IOError(path + ": unsupported dtype '" + descr +
                  "' (float32, float64, int32, int64, uint8, bool)");
  double elements = 1;
  for (int64_t d : dims) elements *= static_cast<double>(d);
  const auto file_size = static_cast<double>(std::filesystem::file_size(path));
  if (elements * DTypeSize(dtype) > file_size)
    throw IOError(path + ": declares shape " + Shape(dims).ToString() +
                  ", more data than the file holds");
  Tensor t(dtype, Shape(dims));
  if (!in.read(static_cast<char*>(t.raw()), static_cast<std::streamsize>(t.nbytes())))
    throw IOError(path + ": truncated data");
  return t;
}

void Save(const std::string& path, const Tensor& t) {
  std::string shape = "(";
  for (int i = 0; i < t.rank(); ++i)
    shape += std::to_string(t.dim(i)) + (t.rank() == 1 ? "," : i + 1 < t.rank() ? ", " : "");
  shape += ")";
  std::string header =
      "{'descr': '" + Descr(t.dtype()) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  const char preamble[10] = {kMagic[0],
                             kMagic[1],
                             kMagic[2],
                             kMagic[3],
                             kMagic[4],
                             kMagic[5],
                             1,
                             0,
                             static_cast<char>(header.size() & 0xff),
                             static_cast<char>(header.size() >> 8)};
  WriteFileAtomically(path, [&](const std::string& tmp) {
    WriteBytes(tmp, {std::string_view(preamble, sizeof preamble), header,
                     std::string_view(static_cast<const char*>(t.raw()), t.nbytes())});
  });
}

}  // namespace kiln::npy

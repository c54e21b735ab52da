#include "io/npy.h"

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

#include "io/atomic_file.h"
#include "io/regular_file.h"

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

// The header is a Python dict literal, as numpy writes it:
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// Parsed in one left-to-right pass (no regex: a backtracking one overflowed the stack on long
// headers), accepting exactly the keys numpy writes and refusing everything else.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  struct Header {
    std::string descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
  };

  Header Parse() {
    Header h;
    bool has_descr = false, has_order = false, has_shape = false;
    SkipSpace();
    Expect('{');
    for (;;) {
      SkipSpace();
      if (Peek() == '}') break;
      const std::string key = String();
      SkipSpace();
      Expect(':');
      SkipSpace();
      if (key == "descr") {
        if (Peek() != '\'' && Peek() != '"')
          Bad("unsupported dtype (structured arrays are not supported)");
        h.descr = String();
        has_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = Bool();
        has_order = true;
      } else if (key == "shape") {
        h.shape = Tuple();
        has_shape = true;
      } else {
        Bad("header has an unexpected key '" + key + "'");
      }
      SkipSpace();
      if (Peek() != ',') break;
      ++pos_;
    }
    Expect('}');
    SkipSpace();
    if (pos_ != text_.size()) Bad("header has text after its dict");
    if (!has_descr) Bad("header has no descr");
    if (!has_order) Bad("header has no fortran_order");
    if (!has_shape) Bad("header has no shape");
    return h;
  }

 private:
  // numpy's rank limit (NPY_MAXDIMS in numpy 2).
  static constexpr size_t kMaxRank = 64;

  [[noreturn]] void Bad(const std::string& what) const { throw IOError(path_ + ": " + what); }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void Expect(char c) {
    if (Peek() != c)
      Bad(std::string("malformed header: expected '") + c + "' at byte " + std::to_string(pos_));
    ++pos_;
  }
  std::string String() {
    const char quote = Peek();
    if (quote != '\'' && quote != '"') Bad("malformed header: expected a quoted string");
    const size_t begin = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\') Bad("malformed header: escapes in strings are not supported");
      ++pos_;
    }
    if (pos_ == text_.size()) Bad("malformed header: unterminated string");
    return std::string(text_.substr(begin, pos_++ - begin));
  }
  bool Bool() {
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}})
      if (text_.substr(pos_, std::strlen(word)) == word) {
        pos_ += std::strlen(word);
        return value;
      }
    Bad("malformed header: fortran_order is neither True nor False");
  }
  std::vector<int64_t> Tuple() {
    std::vector<int64_t> dims;
    Expect('(');
    for (;;) {
      SkipSpace();
      if (Peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(Peek())))
        Bad("malformed header: shape holds something other than non-negative integers");
      int64_t d = 0;
      while (std::isdigit(static_cast<unsigned char>(Peek()))) {
        if (__builtin_mul_overflow(d, 10, &d) || __builtin_add_overflow(d, Peek() - '0', &d))
          Bad("a dimension in the header's shape does not fit in 64 bits");
        ++pos_;
      }
      if (Peek() == 'L') ++pos_;  // Python 2's numpy wrote longs as 3L
      if (dims.size() == kMaxRank)
        Bad("shape has more than " + std::to_string(kMaxRank) + " dimensions");
      dims.push_back(d);
      SkipSpace();
      if (Peek() != ',') break;
      ++pos_;
    }
    Expect(')');
    return dims;
  }

  std::string_view text_;
  const std::string& path_;
  size_t pos_ = 0;
};

std::optional<DType> DTypeOfDescr(const std::string& descr) {
  if (descr == "<f4") return kFloat32;
  if (descr == "<f8") return kFloat64;
  if (descr == "<i4") return kInt32;
  if (descr == "<i8") return kInt64;
  if (descr == "|u1" || descr == "<u1") return kUInt8;
  if (descr == "|b1") return kBool;
  return std::nullopt;
}

}  // namespace

Tensor Load(const std::string& path) {
  RequireRegularFile(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError(path + ": cannot open");
  std::error_code ec;
  const uintmax_t file_size = std::filesystem::file_size(path, ec);
  if (ec) throw IOError(path + ": cannot read its size: " + ec.message());
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 6) != 0)
    throw IOError(path + ": not a .npy file");
  const int major = static_cast<unsigned char>(magic[6]);
  // The format's own limits: a 16-bit header length in version 1, 32-bit in versions 2 and 3.
  uint64_t header_len = 0;
  size_t preamble = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) throw IOError(path + ": truncated header");
    header_len = b[0] | (b[1] << 8);
    preamble = 10;
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) throw IOError(path + ": truncated header");
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (uint64_t(b[3]) << 24);
    preamble = 12;
  } else {
    throw IOError(path + ": unsupported .npy version " + std::to_string(major));
  }
  // The header must be in the file: no allocation for a length the file cannot back.
  const uint64_t after_preamble = file_size > preamble ? file_size - preamble : 0;
  if (header_len > after_preamble)
    throw IOError(path + ": truncated header (it declares " + std::to_string(header_len) +
                  " bytes, the file has " + std::to_string(after_preamble) +
                  " after the preamble)");
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len)))
    throw IOError(path + ": truncated header");
  const HeaderParser::Header h = HeaderParser(header, path).Parse();
  if (h.fortran_order)
    throw IOError(path +
                  ": Fortran-order arrays are not supported (save with np.ascontiguousarray)");
  const std::optional<DType> dtype = DTypeOfDescr(h.descr);
  if (!dtype)
    throw IOError(path + ": unsupported dtype '" + h.descr.substr(0, 64) +
                  "' (float32, float64, int32, int64, uint8, bool)");
  const std::optional<int64_t> elements = CheckedNumElements(h.shape);
  if (!elements)
    throw IOError(path + ": declares shape " + Shape(h.shape).ToString() +
                  ", whose size overflows");
  // The data must be in the file: a declared size beyond it is refused before allocating.
  const uint64_t data_bytes = after_preamble - header_len;
  if (static_cast<uint64_t>(*elements) > data_bytes / DTypeSize(*dtype))
    throw IOError(path + ": declares shape " + Shape(h.shape).ToString() +
                  ", more data than the file holds");
  Tensor t(*dtype, Shape(h.shape));
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

#include "io/h5.h"

#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <utility>

#include "graph/error.h"
#include "io/atomic_file.h"
#include "io/regular_file.h"

namespace kiln::h5 {
namespace {

std::recursive_mutex& LibraryMutex() {
  static std::recursive_mutex m;
  return m;
}

[[noreturn]] void Fail(hid_t loc, const std::string& what) {
  throw IOError(FileName(loc) + ": " + what);
}

hid_t Check(hid_t id, hid_t loc, const std::string& what) {
  if (id < 0) Fail(loc, what);
  return id;
}

Handle LinkCreationPlist() {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  return lcpl;
}

}  // namespace

// LeakSanitizer (asan builds only) calls this: libhdf5 keeps a few bytes of its own on some error
// paths through corrupt files (a dataset header it cannot finish reading); Kiln's handles are all
// closed, and the corrupted-file tests must not fail on the library's allocation.
extern "C" const char* __lsan_default_suppressions() { return "leak:libhdf5_serial.so\n"; }

Lock::Lock() : guard_(LibraryMutex()) {
  // HDF5 prints an error stack to stderr by default; Kiln reports errors itself. The thread-safe
  // build (Debian's is one) keeps that switch per thread, so each thread turns it off before its
  // first call.
  thread_local const bool quiet = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
  (void)quiet;
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    const Lock lock;
    if (id_ >= 0 && close_) close_(id_);
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0 && close_) {
    const Lock lock;
    close_(id_);
  }
}

hid_t Handle::release() {
  const hid_t id = id_;
  id_ = -1;
  return id;
}

std::string FileName(hid_t loc) {
  const Lock lock;
  ssize_t n = H5Fget_name(loc, nullptr, 0);
  if (n <= 0) return "<hdf5>";
  std::string s(static_cast<size_t>(n), '\0');
  H5Fget_name(loc, s.data(), s.size() + 1);
  return s;
}

bool IsHdf5(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) return false;
  const Lock lock;
  return H5Fis_hdf5(path.c_str()) > 0;
}

File File::Open(const std::string& path) {
  RequireRegularFile(path);
  if (!IsHdf5(path)) throw IOError(path + ": not an HDF5 file");
  const Lock lock;
  File f;
  f.path_ = path;
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw IOError(path + ": cannot open as HDF5 (corrupt or truncated?)");
  f.handle_ = Handle(id, H5Fclose);
  return f;
}

File File::OpenImage(const std::string& bytes, const std::string& what) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), "\x89HDF\r\n\x1a\n", 8) != 0)
    throw IOError(what + ": not an HDF5 file");
  const Lock lock;
  File f;
  f.path_ = what;
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // H5Pset_file_image copies the bytes; the core driver then serves every read from that copy.
  if (!fapl.valid() || H5Pset_fapl_core(fapl.id(), size_t{1} << 20, /*backing_store=*/0) < 0 ||
      H5Pset_file_image(fapl.id(), const_cast<char*>(bytes.data()), bytes.size()) < 0)
    throw IOError(what + ": cannot set up an in-memory HDF5 file");
  hid_t id = H5Fopen(what.c_str(), H5F_ACC_RDONLY, fapl.id());
  if (id < 0) throw IOError(what + ": cannot open as HDF5 (corrupt or truncated?)");
  f.handle_ = Handle(id, H5Fclose);
  return f;
}

File File::Create(const std::string& path) {
  const Lock lock;
  File f;
  f.path_ = path;
  f.created_ = true;
  // The core driver without a backing store: the file lives in memory, growing 1 MiB at a time.
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.valid() || H5Pset_fapl_core(fapl.id(), size_t{1} << 20, /*backing_store=*/0) < 0)
    throw IOError(path + ": cannot set up an in-memory HDF5 file");
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id());
  if (id < 0) throw IOError(path + ": cannot create the file");
  f.handle_ = Handle(id, H5Fclose);
  return f;
}

void File::Close() {
  const Lock lock;
  if (!handle_.valid()) return;
  std::string image;
  if (created_) {
    // Flushing first makes the image complete even while groups or datasets are still open.
    const hid_t id = handle_.id();
    const ssize_t size =
        H5Fflush(id, H5F_SCOPE_GLOBAL) < 0 ? -1 : H5Fget_file_image(id, nullptr, 0);
    if (size < 0) throw IOError(path_ + ": cannot finish the HDF5 file in memory");
    image.resize(static_cast<size_t>(size));
    if (H5Fget_file_image(id, image.data(), image.size()) != size)
      throw IOError(path_ + ": cannot finish the HDF5 file in memory");
  }
  if (H5Fclose(handle_.release()) < 0) throw IOError(path_ + ": cannot close the HDF5 file");
  if (created_) WriteBytes(path_, {image});
}

bool Exists(hid_t loc, const std::string& path) {
  const Lock lock;
  // Walk the path one link at a time: H5Lexists fails on a missing intermediate.
  std::string prefix;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string part =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) {
      prefix += (prefix.empty() ? "" : "/") + part;
      if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

Handle OpenGroup(hid_t loc, const std::string& path) {
  const Lock lock;
  if (!Exists(loc, path)) Fail(loc, "no group '" + path + "'");
  return Handle(
      Check(H5Gopen2(loc, path.c_str(), H5P_DEFAULT), loc, "cannot open group '" + path + "'"),
      H5Gclose);
}

Handle CreateGroup(hid_t loc, const std::string& path) {
  const Lock lock;
  Handle lcpl = LinkCreationPlist();
  return Handle(Check(H5Gcreate2(loc, path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), loc,
                      "cannot create group '" + path + "'"),
                H5Gclose);
}

bool IsGroup(hid_t loc, const std::string& path) {
  const Lock lock;
  H5O_info_t info;
  if (!Exists(loc, path) ||
      H5Oget_info_by_name2(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    return false;
  return info.type == H5O_TYPE_GROUP;
}

std::vector<std::string> ListGroup(hid_t group) {
  const Lock lock;
  std::vector<std::string> names;
  if (H5Literate(
          group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
          [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
            static_cast<std::vector<std::string>*>(data)->push_back(name);
            return 0;
          },
          &names) < 0)
    Fail(group, "cannot list the links of a group");
  return names;
}

void WalkGroups(hid_t root, const std::function<bool(hid_t group, const std::string& path)>& visit,
                int max_depth) {
  const Lock lock;
  struct Pending {
    std::string path;  // below root; "" is root
    int depth;
  };
  // Groups are identified by (file number, object header address): one object reached by two
  // names, or again through a link that points back up, has one address.
  std::set<std::pair<unsigned long, haddr_t>> seen;
  auto remember = [&](const H5O_info_t& info) {
    return seen.insert({info.fileno, info.addr}).second;
  };
  H5O_info_t info;
  if (H5Oget_info2(root, &info, H5O_INFO_BASIC) < 0) Fail(root, "cannot inspect a group");
  remember(info);
  std::vector<Pending> stack{{"", 0}};
  while (!stack.empty()) {
    const Pending p = std::move(stack.back());
    stack.pop_back();
    // Reopened by path when its turn comes, so the walk holds one group open at a time.
    Handle group(Check(H5Gopen2(root, p.path.empty() ? "." : p.path.c_str(), H5P_DEFAULT), root,
                       "cannot open group '" + p.path + "'"),
                 H5Gclose);
    if (!visit(group.id(), p.path)) continue;
    std::vector<std::string> children;
    if (H5Literate(
            group.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
            [](hid_t, const char* name, const H5L_info_t* link, void* data) -> herr_t {
              if (link->type == H5L_TYPE_HARD || link->type == H5L_TYPE_SOFT)
                static_cast<std::vector<std::string>*>(data)->push_back(name);
              return 0;
            },
            &children) < 0)
      Fail(root, "cannot list the links of group '" + p.path + "'");
    // Pushed in reverse so that they are visited in name order.
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      // A dangling soft link, or one that is not a group, is not part of the walk.
      if (H5Oget_info_by_name2(group.id(), it->c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
          info.type != H5O_TYPE_GROUP || !remember(info))
        continue;
      if (p.depth == max_depth)
        Fail(root, "groups nested more than " + std::to_string(max_depth) + " levels deep at '" +
                       p.path + "'");
      stack.push_back({p.path.empty() ? *it : p.path + "/" + *it, p.depth + 1});
    }
  }
}

bool HasAttr(hid_t obj, const std::string& name) {
  const Lock lock;
  return H5Aexists(obj, name.c_str()) > 0;
}

namespace {

// Reads a string-typed attribute's elements (scalar or 1-D), VLEN or fixed.
std::vector<std::string> ReadStrings(hid_t obj, const std::string& name) {
  const Lock lock;
  Handle attr(
      Check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), obj, "cannot open attribute '" + name + "'"),
      H5Aclose);
  Handle type(H5Aget_type(attr.id()), H5Tclose);
  Handle space(H5Aget_space(attr.id()), H5Sclose);
  const H5T_class_t cls = H5Tget_class(type.id());
  hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0 || n > (1 << 24)) Fail(obj, "attribute '" + name + "' has an invalid size");
  if (cls != H5T_STRING) {
    if (n == 0) return {};  // Keras's empty weight_names: float64 (0,)
    Fail(obj, "attribute '" + name + "' is not a string");
  }
  std::vector<std::string> out;
  if (H5Tis_variable_str(type.id()) > 0) {
    std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.id(), H5T_VARIABLE);
    H5Tset_cset(mem.id(), H5Tget_cset(type.id()));
    if (n > 0 && H5Aread(attr.id(), mem.id(), ptrs.data()) < 0)
      Fail(obj, "cannot read attribute '" + name + "'");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    if (n > 0) H5Dvlen_reclaim(mem.id(), space.id(), H5P_DEFAULT, ptrs.data());
  } else {
    const size_t size = H5Tget_size(type.id());
    if (size == 0 || size > (1u << 20))
      Fail(obj, "attribute '" + name + "' has an invalid string size");
    std::vector<char> buf(size * static_cast<size_t>(n) + 1, '\0');
    if (n > 0 && H5Aread(attr.id(), type.id(), buf.data()) < 0)
      Fail(obj, "cannot read attribute '" + name + "'");
    for (hssize_t i = 0; i < n; ++i) {
      const char* p = buf.data() + size * static_cast<size_t>(i);
      out.emplace_back(p, strnlen(p, size));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> ReadStringAttr(hid_t obj, const std::string& name) {
  const Lock lock;
  if (!HasAttr(obj, name)) return std::nullopt;
  auto v = ReadStrings(obj, name);
  if (v.size() != 1) Fail(obj, "attribute '" + name + "' is not a single string");
  return v[0];
}

std::optional<std::vector<std::string>> ReadStringListAttr(hid_t obj, const std::string& name) {
  const Lock lock;
  if (HasAttr(obj, name)) return ReadStrings(obj, name);
  if (!HasAttr(obj, name + "0")) return std::nullopt;
  std::vector<std::string> all;
  for (int i = 0; HasAttr(obj, name + std::to_string(i)); ++i) {
    auto part = ReadStrings(obj, name + std::to_string(i));
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

void WriteVlenStringAttr(hid_t obj, const std::string& name, const std::string& value) {
  const Lock lock;
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), H5T_VARIABLE);
  H5Tset_cset(type.id(), H5T_CSET_ASCII);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(Check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    obj, "cannot create attribute '" + name + "'"),
              H5Aclose);
  const char* p = value.c_str();
  if (H5Awrite(attr.id(), type.id(), &p) < 0) Fail(obj, "cannot write attribute '" + name + "'");
}

void WriteFixedStringListAttr(hid_t obj, const std::string& name,
                              const std::vector<std::string>& values) {
  const Lock lock;
  size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), width);
  H5Tset_strpad(type.id(), H5T_STR_NULLPAD);
  hsize_t dims[1] = {values.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle attr(Check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    obj, "cannot create attribute '" + name + "'"),
              H5Aclose);
  std::vector<char> buf(width * values.size() + 1, '\0');
  for (size_t i = 0; i < values.size(); ++i)
    std::memcpy(buf.data() + i * width, values[i].data(), values[i].size());
  if (H5Awrite(attr.id(), type.id(), buf.data()) < 0)
    Fail(obj, "cannot write attribute '" + name + "'");
}

void WriteEmptyFloat64Attr(hid_t obj, const std::string& name) {
  const Lock lock;
  hsize_t dims[1] = {0};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle attr(
      Check(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
            obj, "cannot create attribute '" + name + "'"),
      H5Aclose);
}

namespace {

std::optional<DType> DTypeOfH5(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  if (cls == H5T_FLOAT) {
    if (size == 4) return kFloat32;
    if (size == 8) return kFloat64;
  } else if (cls == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    if (!is_signed && size == 1) return kUInt8;
    if (is_signed && size == 4) return kInt32;
    if (is_signed && size == 8) return kInt64;
  }
  return std::nullopt;
}

hid_t NativeType(DType t) {
  switch (t) {
    case kFloat32:
      return H5T_NATIVE_FLOAT;
    case kFloat64:
      return H5T_NATIVE_DOUBLE;
    case kInt32:
      return H5T_NATIVE_INT32;
    case kInt64:
      return H5T_NATIVE_INT64;
    case kUInt8:
      return H5T_NATIVE_UINT8;
    case kBool:
      return H5T_NATIVE_UINT8;
  }
  return H5T_NATIVE_FLOAT;
}

hid_t FileType(DType t) {
  switch (t) {
    case kFloat32:
      return H5T_IEEE_F32LE;
    case kFloat64:
      return H5T_IEEE_F64LE;
    case kInt32:
      return H5T_STD_I32LE;
    case kInt64:
      return H5T_STD_I64LE;
    case kUInt8:
      return H5T_STD_U8LE;
    case kBool:
      return H5T_STD_U8LE;
  }
  return H5T_IEEE_F32LE;
}

}  // namespace

Tensor ReadDataset(hid_t loc, const std::string& path) {
  const Lock lock;
  if (!Exists(loc, path)) Fail(loc, "no dataset '" + path + "'");
  Handle ds(
      Check(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), loc, "cannot open dataset '" + path + "'"),
      H5Dclose);
  Handle type(H5Dget_type(ds.id()), H5Tclose);
  Handle space(H5Dget_space(ds.id()), H5Sclose);
  std::optional<DType> dt = DTypeOfH5(type.id());
  if (!dt) Fail(loc, "dataset '" + path + "' has an unsupported element type");
  const H5S_class_t space_class = H5Sget_simple_extent_type(space.id());
  if (space_class != H5S_SIMPLE && space_class != H5S_SCALAR)
    Fail(loc, "dataset '" + path + "' has no data (a null dataspace)");
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0 || rank > 8) Fail(loc, "dataset '" + path + "' has an invalid rank");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr) < 0)
    Fail(loc, "dataset '" + path + "' has an unreadable shape");
  std::vector<int64_t> shape;
  for (hsize_t d : dims) {
    if (d > static_cast<hsize_t>(INT64_MAX))
      Fail(loc, "dataset '" + path + "' declares a dimension of " + std::to_string(d));
    shape.push_back(static_cast<int64_t>(d));
  }
  // A declared size beyond what the file can hold is corruption, not a reason to allocate.
  Handle file(H5Iget_file_id(loc), H5Fclose);
  hsize_t file_bytes = 0;
  if (!file.valid() || H5Fget_filesize(file.id(), &file_bytes) < 0)
    Fail(loc, "cannot determine the file's size");
  const std::optional<int64_t> elements = CheckedNumElements(shape);
  if (!elements || static_cast<uint64_t>(*elements) > (file_bytes + 4096) / DTypeSize(*dt))
    Fail(loc, "dataset '" + path + "' declares shape " + Shape(shape).ToString() +
                  ", larger than the file");
  Tensor t(*dt, Shape(shape));
  if (t.num_elements() > 0 &&
      H5Dread(ds.id(), NativeType(*dt), H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw()) < 0)
    Fail(loc, "cannot read dataset '" + path + "' (corrupt or truncated?)");
  return t;
}

void WriteDataset(hid_t loc, const std::string& path, const Tensor& value) {
  const Lock lock;
  std::vector<hsize_t> dims(value.shape().dims().begin(), value.shape().dims().end());
  Handle space(value.rank() == 0 ? H5Screate(H5S_SCALAR)
                                 : H5Screate_simple(value.rank(), dims.data(), nullptr),
               H5Sclose);
  Handle lcpl = LinkCreationPlist();
  Handle ds(Check(H5Dcreate2(loc, path.c_str(), FileType(value.dtype()), space.id(), lcpl.id(),
                             H5P_DEFAULT, H5P_DEFAULT),
                  loc, "cannot create dataset '" + path + "'"),
            H5Dclose);
  if (value.num_elements() > 0 &&
      H5Dwrite(ds.id(), NativeType(value.dtype()), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.raw()) < 0)
    Fail(loc, "cannot write dataset '" + path + "'");
}

}  // namespace kiln::h5

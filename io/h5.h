// A small RAII layer over the HDF5 C library (Debian's libhdf5, 1.10): files, groups, string and
// string-list attributes in every form Keras writes them (variable-length UTF-8 or ASCII, fixed
// length, chunked "name0", "name1", ..., or an empty float64 array), and datasets as Tensors.
//
//   kiln::h5::File f = kiln::h5::File::Open("model.h5");
//   std::optional<std::string> cfg = kiln::h5::ReadStringAttr(f.id(), "model_config");
//   kiln::Tensor k = kiln::h5::ReadDataset(f.id(), "model_weights/dense/dense/kernel:0");
//
// Every failure throws kiln::IOError naming the file and the object; HDF5's own error printing
// is switched off. libhdf5 is thread-safe only when built so (Debian 12's 1.10.8 is; many builds
// are not), so every function here (and every Handle's close) holds one process-wide lock while it
// calls the library; code that calls libhdf5 directly must hold an h5::Lock too.
#pragma once

#include <hdf5.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace kiln::h5 {

// The lock around libhdf5 (recursive: the functions below call each other while holding it).
class Lock {
 public:
  Lock();

 private:
  std::lock_guard<std::recursive_mutex> guard_;
};

// An owned HDF5 handle, closed with the right H5?close.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Gives up ownership: the caller closes the id.
  hid_t release();

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

class File {
 public:
  // Throws kiln::IOError when the file is missing or not HDF5.
  static File Open(const std::string& path);
  // A file read-only from the bytes of one in memory (a .keras archive's model.weights.h5), with
  // libhdf5's core driver: nothing touches the disk. `what` names it in errors.
  static File OpenImage(const std::string& bytes, const std::string& what);
  // A new file, built in memory and written to `path` only by Close(): libhdf5 then never writes
  // to disk itself, because when its own write fails at close (a full disk) it leaves a dangling
  // file object behind that crashes the process at exit.
  static File Create(const std::string& path);
  // Closes the file, throwing kiln::IOError naming the path and the cause on failure; a created
  // file is written to disk here (without fsync: WriteFileAtomically does that). Without Close,
  // the destructor closes silently and a created file is never written. Either way libhdf5 is
  // left with no object of this file open once the Handles into it are gone.
  void Close();
  hid_t id() const { return handle_.id(); }
  const std::string& path() const { return path_; }

 private:
  Handle handle_;
  std::string path_;
  bool created_ = false;
};

bool IsHdf5(const std::string& path);
bool Exists(hid_t loc, const std::string& path);
Handle OpenGroup(hid_t loc, const std::string& path);
// Creates the group and any missing parents.
Handle CreateGroup(hid_t loc, const std::string& path);
// Names of the links directly under a group, in HDF5's (alphabetical) order.
std::vector<std::string> ListGroup(hid_t group);
// True for a group, false for a dataset (or anything else).
bool IsGroup(hid_t loc, const std::string& path);
// Visits `root` and the groups below it, depth first in name order, without recursion and each
// group once: every group's object address is remembered, so a hard or soft link back up the tree
// (a cycle in a hostile file) or to a group already seen is not followed again. External links
// are not followed. `visit` gets each group and its path below root ("" for root itself) and
// returns whether to descend into it. Throws kiln::IOError for groups nested deeper than
// `max_depth` below root.
void WalkGroups(hid_t root, const std::function<bool(hid_t group, const std::string& path)>& visit,
                int max_depth = 32);

bool HasAttr(hid_t obj, const std::string& name);
std::optional<std::string> ReadStringAttr(hid_t obj, const std::string& name);
// A list of strings: the plain attribute, or the chunked name0, name1, ...; an empty float64 array
// (Keras's "no weights") reads as an empty list. nullopt when absent.
std::optional<std::vector<std::string>> ReadStringListAttr(hid_t obj, const std::string& name);
void WriteVlenStringAttr(hid_t obj, const std::string& name, const std::string& value);
// A fixed-length, null-padded ASCII array (numpy "S"), readable by every Keras and h5py.
void WriteFixedStringListAttr(hid_t obj, const std::string& name,
                              const std::vector<std::string>& values);
// Keras's empty weight_names: a float64 array of shape (0,).
void WriteEmptyFloat64Attr(hid_t obj, const std::string& name);

// A dataset as a Tensor (float32, float64, int8..int64, uint8); throws kiln::IOError for other
// types or declared sizes the file cannot hold.
Tensor ReadDataset(hid_t loc, const std::string& path);
// Creates the dataset (contiguous, C order) and any missing parent groups.
void WriteDataset(hid_t loc, const std::string& path, const Tensor& value);

// The file name of `loc` (for messages).
std::string FileName(hid_t loc);

}  // namespace kiln::h5

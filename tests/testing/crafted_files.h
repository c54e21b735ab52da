// Hostile and unlucky inputs for the loader tests, generated at test time (no checked-in binaries):
// .npy files with any header, gzip'd IDX files with any dimensions, Keras 3 .weights.h5 files whose
// groups form a cycle, and a forked child that saves under a file-size limit (a full disk without
// root or a small tmpfs).
//
//   kiln::testing::WriteNpy(path, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
//                           std::string(8, '\0'));
//   kiln::testing::WriteKeras3WeightsWithCycle(path, kiln::testing::LinkKind::kHard);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kiln::testing {

// The magic, version `major` (1, 2 or 3), the header length (16-bit for version 1, 32-bit after),
// `header` as given (no padding added) and then `data`.
void WriteNpy(const std::string& path, int major, const std::string& header,
              const std::string& data);

// A gzip'd unsigned-byte IDX file: magic 0x00000803-style with rank = dims.size(), big-endian
// 32-bit dimensions, then `data`.
void WriteIdxGz(const std::string& path, const std::vector<uint32_t>& dims,
                const std::string& data);

enum class LinkKind { kHard, kSoft };
// A Keras 3 .weights.h5 for Sequential([Dense(2, input_shape=(3,))]): layers/dense/vars/0 (kernel,
// 3x2, values 0..5) and vars/1 (bias, 2, values 10, 11), plus links that close cycles:
// layers/dense/cell -> layers/dense and layers/dense/cell2/up -> layers, as hard links or as soft
// links ("/layers/dense", "/layers").
void WriteKeras3WeightsWithCycle(const std::string& path, LinkKind kind);

// The outcome of ChildWithFileSizeLimit.
struct ChildOutcome {
  int wait_status = 0;          // from waitpid: the child must exit normally with 0
  std::string error;            // "IOError: <what()>", "Error: ...", "other: ..." or "none"
  long open_hdf5_objects = -1;  // H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) after `body`
};
// Runs `body` in a forked child with RLIMIT_FSIZE set to `limit_bytes` and SIGXFSZ ignored, so a
// write past the limit fails with EFBIG as a full disk fails with ENOSPC. The child leaves with
// exit(0), running atexit handlers (libhdf5's included, which crashed on a file left open). Do
// not fork after anything started threads (no training before calling this).
ChildOutcome ChildWithFileSizeLimit(uint64_t limit_bytes, const std::function<void()>& body);

}  // namespace kiln::testing

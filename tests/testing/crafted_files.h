// Unlucky conditions for the saving tests, made at test time: a forked child that saves under a
// file-size limit (a full disk without root or a small tmpfs).
//
//   auto out = kiln::testing::ChildWithFileSizeLimit(4096, [&] { model.save(path); });
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kiln::testing {

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

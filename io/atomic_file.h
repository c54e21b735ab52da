// Writing a file so that it is either complete or untouched: `write` fills a temporary file next
// to `path`, which is fsync'ed and then renamed over it, and the directory is fsync'ed after the
// rename. On any exception (a full disk included) the temporary file is removed, the old file (if
// any) stays byte for byte as it was, and the error is a kiln::IOError naming `path` and the cause.
//
//   kiln::WriteFileAtomically("model.h5", [&](const std::string& tmp) { ... write tmp ... });
//   kiln::WriteFileAtomically("y.npy", [&](const std::string& tmp) {
//     kiln::WriteBytes(tmp, {header, data});
//   });
//
// The temporary file is `.<name>.kiln-tmp-<pid>` in the same directory. A process killed while
// saving leaves it behind; the next save of the same path removes those whose process is gone.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace kiln {

void WriteFileAtomically(const std::string& path,
                         const std::function<void(const std::string& tmp)>& write);

// Creates (or truncates) `path` and writes `chunks` one after another with write(2), checking
// every call and the close: throws kiln::IOError naming `path` and the cause ("No space left on
// device", "File too large"). It does not fsync; WriteFileAtomically does that.
void WriteBytes(const std::string& path, std::initializer_list<std::string_view> chunks);

// The temporary name WriteFileAtomically uses for `path` in this process (for tests).
std::string AtomicTempPath(const std::string& path);

}  // namespace kiln

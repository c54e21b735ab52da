// Writing a file so that it is either complete or untouched: `write` fills a temporary file next
// to `path`, which is then renamed over it. On any exception the temporary file is removed and the
// old file (if any) stays as it was.
//
//   kiln::WriteFileAtomically("model.h5", [&](const std::string& tmp) { ... write tmp ... });
#pragma once

#include <functional>
#include <string>

namespace kiln {

void WriteFileAtomically(const std::string& path,
                         const std::function<void(const std::string& tmp)>& write);

}  // namespace kiln

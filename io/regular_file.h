// What every reader checks before it opens a path: that it is a regular file (or a link to one).
// Opening a FIFO with no writer blocks for ever, and a directory, device or socket is no model
// file; stat() tells which without opening it.
//
//   kiln::RequireRegularFile(path);   // throws kiln::IOError "<path>: is a FIFO (named pipe), ..."
#pragma once

#include <string>

namespace kiln {

// Throws kiln::IOError naming `path` and what it is (or why stat failed: "No such file or
// directory").
void RequireRegularFile(const std::string& path);

}  // namespace kiln

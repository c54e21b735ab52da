// Paths as the user typed them. `bazel run` starts a program inside its runfiles tree and says
// where the user was in BUILD_WORKING_DIRECTORY; a relative path on the command line means a file
// there, not in the runfiles (where a saved model would vanish with the next build).
//
//   app.add_option("--output", output)->transform(kiln::UserPath);
//   kiln::UserPath("rel.h5");   // "$BUILD_WORKING_DIRECTORY/rel.h5" under bazel run, else "rel.h5"
#pragma once

#include <string>

namespace kiln {

// `path` joined to $BUILD_WORKING_DIRECTORY when it is relative and the variable is set (and not
// empty); otherwise `path` unchanged (absolute paths, an empty path, a plain run of the binary).
std::string UserPath(std::string path);

}  // namespace kiln

// RequireRegularFile, and every reader that relies on it: a FIFO, a directory or a missing path
// is refused with the path and what it is, without opening it (opening a FIFO with no writer
// blocks for ever).
#include "io/regular_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>

#include "io/h5.h"
#include "io/idx.h"
#include "io/npy.h"

namespace kiln::io {
namespace {

std::string Tmp(const std::string& name) {
  return (std::filesystem::path(getenv("TEST_TMPDIR")) / name).string();
}

TEST(RequireRegularFile, EveryReaderRefusesFifosAndNamesMissingFiles) {
  const std::string fifo = Tmp("a-fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const auto& read : std::vector<std::function<void()>>{
           [&] { ReadIdx(fifo); }, [&] { npy::Load(fifo); }, [&] { h5::File::Open(fifo); }}) {
    try {
      read();
      ADD_FAILURE() << "read a FIFO";
    } catch (const IOError& e) {
      EXPECT_EQ(std::string(e.what()), fifo + ": is a FIFO (named pipe), not a regular file");
    }
  }
  try {
    ReadIdx(Tmp("missing"));
    ADD_FAILURE() << "read a missing file";
  } catch (const IOError& e) {
    EXPECT_EQ(std::string(e.what()), Tmp("missing") + ": No such file or directory");
  }
  EXPECT_THROW(RequireRegularFile(getenv("TEST_TMPDIR")), IOError);  // a directory
}

}  // namespace
}  // namespace kiln::io

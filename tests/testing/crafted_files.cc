#include "tests/testing/crafted_files.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "graph/error.h"
#include "io/h5.h"

namespace kiln::testing {

ChildOutcome ChildWithFileSizeLimit(uint64_t limit_bytes, const std::function<void()>& body) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);  // nothing buffered twice
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{limit_bytes, limit_bytes};
    std::string error = "none";
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) {
      error = "setrlimit failed";
    } else {
      try {
        body();
      } catch (const IOError& e) {
        error = std::string("IOError: ") + e.what();
      } catch (const Error& e) {
        error = std::string("Error: ") + e.what();
      } catch (const std::exception& e) {
        error = std::string("other: ") + e.what();
      }
    }
    const long objects = static_cast<long>(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL));
    const std::string report = std::to_string(objects) + "\n" + error;
    const ssize_t written = write(fds[1], report.data(), report.size());
    close(fds[1]);
    std::exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    report.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  ChildOutcome out;
  while (waitpid(pid, &out.wait_status, 0) < 0 && errno == EINTR) {
  }
  const size_t newline = report.find('\n');
  if (newline != std::string::npos) {
    out.open_hdf5_objects = std::stol(report.substr(0, newline));
    out.error = report.substr(newline + 1);
  }
  return out;
}

}  // namespace kiln::testing

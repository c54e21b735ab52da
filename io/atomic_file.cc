#include "io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <system_error>

#include "graph/error.h"

namespace kiln {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTempTag = ".kiln-tmp-";

// strerror's text ("No space left on device"), without strerror's static buffer.
std::string Cause(int err) { return std::error_code(err, std::generic_category()).message(); }

[[noreturn]] void Fail(const std::string& path, const std::string& what, int err) {
  throw IOError(path + ": " + what + ": " + Cause(err));
}

// Saves of one path from several threads of this process would share the temporary name, so they
// take turns; saves of different paths run in parallel.
class PathTurn {
 public:
  explicit PathTurn(std::string key) : key_(std::move(key)) {
    std::unique_lock lock(state().mu);
    state().cv.wait(lock, [&] { return state().busy.insert(key_).second; });
  }
  ~PathTurn() {
    {
      std::lock_guard lock(state().mu);
      state().busy.erase(key_);
    }
    state().cv.notify_all();
  }
  PathTurn(const PathTurn&) = delete;
  PathTurn& operator=(const PathTurn&) = delete;

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::set<std::string> busy;
  };
  static State& state() {
    static State s;
    return s;
  }
  std::string key_;
};

// Removes `.<name>.kiln-tmp-<pid>` files in `dir` left by processes that no longer exist. A pid
// that is alive (or that this user may not signal) keeps its file: it may be a save in progress.
void RemoveStaleTemps(const fs::path& dir, const std::string& name) {
  const std::string prefix = "." + name + std::string(kTempTag);
  std::error_code ec;
  for (fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    if (entry.size() <= prefix.size() || entry.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = entry.substr(prefix.size());
    if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid <= 0 || pid == getpid()) continue;
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    if (!fs::is_directory(fs::symlink_status(it->path(), ignored))) fs::remove(it->path(), ignored);
  }
}

void SyncFile(const std::string& file, const std::string& path) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail(path, "cannot reopen the temporary file " + file + " to sync it", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) Fail(path, "cannot sync the file to disk", err);
}

// Makes the rename itself durable. File systems that cannot sync a directory say EINVAL; a
// directory this user cannot read cannot be opened to sync, and the rename stands regardless.
void SyncDirectory(const fs::path& dir, const std::string& path) {
  const fs::path d = dir.empty() ? fs::path(".") : dir;
  const int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL && err != ENOTSUP)
    Fail(path, "the file was replaced, but its directory could not be synced to disk", err);
}

void RemoveQuietly(const std::string& file) {
  std::error_code ignored;
  fs::remove(file, ignored);
}

// Writers name the file they were given; the user knows the file by its real name.
std::string NameTarget(std::string message, const std::string& tmp, const std::string& path) {
  for (size_t at = message.find(tmp); at != std::string::npos;
       at = message.find(tmp, at + path.size()))
    message.replace(at, tmp.size(), path);
  return message;
}

}  // namespace

std::string AtomicTempPath(const std::string& path) {
  const fs::path target(path);
  return (target.parent_path() /
          ("." + target.filename().string() + std::string(kTempTag) + std::to_string(getpid())))
      .string();
}

void WriteFileAtomically(const std::string& path,
                         const std::function<void(const std::string& tmp)>& write) {
  const fs::path target(path);
  const std::string name = target.filename().string();
  if (name.empty() || name == "." || name == "..") throw IOError(path + ": not a file name");
  const fs::path dir = target.parent_path();
  // The OS's reason when the directory cannot take the file ("Not a directory" for a parent that
  // is a regular file, "Permission denied" for a directory this user may not search).
  const std::string where = dir.empty() ? std::string(".") : dir.string();
  struct stat st;
  if (::stat(where.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) throw IOError(path + ": directory " + where + " does not exist");
    Fail(path, "cannot write into " + where, err);
  }
  if (!S_ISDIR(st.st_mode)) Fail(path, "cannot write into " + where, ENOTDIR);
  std::error_code ec;
  const fs::path absolute = fs::absolute(target, ec);
  PathTurn turn(ec ? path : absolute.lexically_normal().string());
  RemoveStaleTemps(dir, name);
  const std::string tmp = AtomicTempPath(path);
  try {
    write(tmp);
    SyncFile(tmp, path);
    if (::rename(tmp.c_str(), path.c_str()) != 0) Fail(path, "cannot replace the file", errno);
  } catch (const IOError& e) {
    RemoveQuietly(tmp);
    throw IOError(NameTarget(e.what(), tmp, path));
  } catch (...) {
    RemoveQuietly(tmp);
    throw;
  }
  SyncDirectory(dir, path);
}

void WriteBytes(const std::string& path, std::initializer_list<std::string_view> chunks) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) Fail(path, "cannot create the file", errno);
  for (std::string_view chunk : chunks) {
    while (!chunk.empty()) {
      const ssize_t n = ::write(fd, chunk.data(), std::min(chunk.size(), size_t{1} << 30));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : EIO;
        ::close(fd);
        Fail(path, "cannot write", err);
      }
      chunk.remove_prefix(static_cast<size_t>(n));
    }
  }
  // Network file systems report deferred write errors at close.
  if (::close(fd) != 0) Fail(path, "cannot write", errno);
}

}  // namespace kiln

#include "tests/testing/crafted_files.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "graph/error.h"
#include "graph/tensor.h"
#include "io/h5.h"

namespace kiln::testing {

void WriteNpy(const std::string& path, int major, const std::string& header,
              const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY", 6);
  out.put(static_cast<char>(major));
  out.put(0);
  const uint64_t n = header.size();
  const int len_bytes = major == 1 ? 2 : 4;
  for (int i = 0; i < len_bytes; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xff));
  out << header << data;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

void WriteIdxGz(const std::string& path, const std::vector<uint32_t>& dims,
                const std::string& data) {
  std::string bytes = {0, 0, 0x08, static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(d >> shift));
  bytes += data;
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot create " + path);
  const bool ok = gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
                  static_cast<int>(bytes.size());
  if (gzclose(f) != Z_OK || !ok) throw std::runtime_error("cannot write " + path);
}

void WriteKeras3WeightsWithCycle(const std::string& path, LinkKind kind) {
  h5::File f = h5::File::Create(path);
  h5::WriteDataset(f.id(), "layers/dense/vars/0",
                   Tensor::FromVector<float>({0, 1, 2, 3, 4, 5}, {3, 2}));
  h5::WriteDataset(f.id(), "layers/dense/vars/1", Tensor::FromVector<float>({10, 11}, {2}));
  h5::CreateGroup(f.id(), "layers/dense/cell2");
  const h5::Lock lock;
  herr_t a, b;
  if (kind == LinkKind::kHard) {
    a = H5Lcreate_hard(f.id(), "layers/dense", f.id(), "layers/dense/cell", H5P_DEFAULT,
                       H5P_DEFAULT);
    b = H5Lcreate_hard(f.id(), "layers", f.id(), "layers/dense/cell2/up", H5P_DEFAULT, H5P_DEFAULT);
  } else {
    a = H5Lcreate_soft("/layers/dense", f.id(), "layers/dense/cell", H5P_DEFAULT, H5P_DEFAULT);
    b = H5Lcreate_soft("/layers", f.id(), "layers/dense/cell2/up", H5P_DEFAULT, H5P_DEFAULT);
  }
  if (a < 0 || b < 0) throw std::runtime_error("cannot link in " + path);
  f.Close();
}

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
    long objects;
    {
      const h5::Lock lock;
      objects = static_cast<long>(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL));
    }
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

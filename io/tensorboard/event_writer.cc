#include "io/tensorboard/event_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "graph/error.h"
#include "io/tensorboard/crc32c.h"
#include "io/tensorboard/event.pb.h"

namespace kiln::tensorboard {
namespace {

std::string OsReason(int err) { return std::strerror(err); }

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

void AppendLittleEndian(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void SetPlugin(Summary::Value& value, const std::string& plugin_name, std::string_view content,
               DataClass data_class) {
  SummaryMetadata* m = value.mutable_metadata();
  m->mutable_plugin_data()->set_plugin_name(plugin_name);
  m->mutable_plugin_data()->set_content(std::string(content));
  m->set_data_class(data_class);
}

}  // namespace

std::string FrameRecord(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  AppendLittleEndian(out, data.size(), 8);
  AppendLittleEndian(out, MaskedCrc32c(out), 4);
  out.append(data);
  AppendLittleEndian(out, MaskedCrc32c(data), 4);
  return out;
}

std::vector<double> HistogramBuckets(std::span<const double> values, int bucket_count) {
  if (bucket_count <= 0) return {};
  std::vector<double> out(static_cast<size_t>(bucket_count) * 3, 0.0);
  double lo = INFINITY, hi = -INFINITY;
  int64_t finite = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      ++finite;
    }
  if (finite == 0) return out;
  const double range = hi - lo;
  if (range == 0) {
    for (int i = 0; i < bucket_count; ++i) out[3 * i] = out[3 * i + 1] = hi;
    out[3 * (bucket_count - 1) + 2] = static_cast<double>(finite);
    return out;
  }
  const double width = range / bucket_count;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    const int i = std::min(static_cast<int>(std::floor((v - lo) / width)), bucket_count - 1);
    out[3 * i + 2] += 1;
  }
  for (int i = 0; i < bucket_count; ++i) {
    out[3 * i] = lo + i * width;
    out[3 * i + 1] = i + 1 == bucket_count ? hi : lo + (i + 1) * width;
  }
  return out;
}

EventFileWriter::EventFileWriter(const std::string& log_dir, EventFileWriterOptions options)
    : options_(std::move(options)) {
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  if (ec) throw IOError(log_dir + ": cannot create the log directory: " + ec.message());
  const double now = Now();
  const std::string stem = (std::filesystem::path(log_dir) / "events.out.tfevents.").string() +
                           std::to_string(static_cast<int64_t>(now)) + "." + Hostname() + "." +
                           std::to_string(getpid()) + ".";
  // O_EXCL: two writers started in the same second (train/ of two runs into one directory, or a
  // second fit) each get a file of their own.
  int fd = -1;
  for (int n = 0; fd < 0; ++n) {
    path_ = stem + std::to_string(n) + options_.filename_suffix;
    fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) throw IOError(path_ + ": cannot create: " + OsReason(errno));
  }
  file_.reset(::fdopen(fd, "wb"));
  if (!file_) {
    const int err = errno;
    ::close(fd);
    throw IOError(path_ + ": cannot open: " + OsReason(err));
  }
  Event e;
  e.set_wall_time(now);
  e.set_file_version("brain.Event:2");
  WriteEvent(e.SerializeAsString());
  Flush();
}

EventFileWriter::~EventFileWriter() = default;  // FileCloser closes; errors are Close()'s to report

double EventFileWriter::Now() const {
  if (options_.clock) return options_.clock();
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

void EventFileWriter::WriteRecord(std::string_view data) {
  if (!file_) throw IOError(path_ + ": write after Close()");
  const std::string record = FrameRecord(data);
  if (std::fwrite(record.data(), 1, record.size(), file_.get()) != record.size())
    throw IOError(path_ + ": cannot write: " + OsReason(errno));
}

void EventFileWriter::WriteEvent(const std::string& serialized_event) {
  WriteRecord(serialized_event);
}

void EventFileWriter::AddScalar(const std::string& tag, int64_t step, double value) {
  Event e;
  e.set_wall_time(Now());
  e.set_step(step);
  Summary::Value* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  SetPlugin(*v, "scalars", "", DATA_CLASS_SCALAR);
  TensorProto* t = v->mutable_tensor();
  t->set_dtype(DT_FLOAT);
  t->mutable_tensor_shape();  // rank 0
  t->add_float_val(static_cast<float>(value));
  WriteEvent(e.SerializeAsString());
}

void EventFileWriter::AddHistogram(const std::string& tag, int64_t step,
                                   std::span<const double> values, int bucket_count) {
  const std::vector<double> buckets = HistogramBuckets(values, bucket_count);
  Event e;
  e.set_wall_time(Now());
  e.set_step(step);
  Summary::Value* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  SetPlugin(*v, "histograms", "", DATA_CLASS_TENSOR);
  TensorProto* t = v->mutable_tensor();
  t->set_dtype(DT_DOUBLE);
  t->mutable_tensor_shape()->add_dim()->set_size(static_cast<int64_t>(buckets.size() / 3));
  t->mutable_tensor_shape()->add_dim()->set_size(3);
  for (double b : buckets) t->add_double_val(b);
  WriteEvent(e.SerializeAsString());
}

void EventFileWriter::AddString(const std::string& tag, int64_t step, std::string_view value,
                                const std::string& plugin_name, std::string_view plugin_content) {
  Event e;
  e.set_wall_time(Now());
  e.set_step(step);
  Summary::Value* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  // No data class: TensorFlow's writer sets none for these either, and TensorBoard assigns the one
  // each plugin expects (a blob sequence for graph_keras_model) as it loads the file.
  SetPlugin(*v, plugin_name, plugin_content, DATA_CLASS_UNKNOWN);
  TensorProto* t = v->mutable_tensor();
  t->set_dtype(DT_STRING);
  t->mutable_tensor_shape();
  t->add_string_val(std::string(value));
  WriteEvent(e.SerializeAsString());
}

void EventFileWriter::Flush() {
  if (!file_) return;
  if (std::fflush(file_.get()) != 0) throw IOError(path_ + ": cannot write: " + OsReason(errno));
}

void EventFileWriter::Close() {
  if (!file_) return;
  std::FILE* f = file_.release();
  const bool flushed = std::fflush(f) == 0;
  const int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (!flushed || !closed)
    throw IOError(path_ + ": cannot write: " + OsReason(flushed ? errno : err));
}

}  // namespace kiln::tensorboard

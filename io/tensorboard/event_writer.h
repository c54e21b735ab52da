// TensorBoard event files: one file of TFRecords, each an `Event` protocol buffer, as TensorFlow's
// tf.summary writers leave them and TensorBoard reads them while they grow.
//
//   kiln::tensorboard::EventFileWriter w("logs/train");  // logs/train/events.out.tfevents.<time>.
//                                                        //   <host>.<pid>.<n>.v2
//   w.AddScalar("epoch_loss", /*step=*/0, 0.53);
//   w.AddHistogram("dense/kernel/histogram", 0, values);
//   w.Flush();                                           // a running TensorBoard sees it now
//
// Contract: the constructor creates the directory (and its parents) and a new file there, never
// replacing one (<n> counts up from 0 past existing names), and writes the first record, an Event
// with file_version "brain.Event:2". Records are framed as TFRecord: uint64 length (little-endian),
// masked CRC-32C of those 8 bytes, the data, masked CRC-32C of the data.
// Summaries are written in TF2's form, the one TensorBoard's dashboards read without conversion: a
// tensor per value with the plugin named in its metadata (scalars: "scalars", a float32 scalar;
// histograms: "histograms", a float64 [k, 3] tensor of (left edge, right edge, count) rows).
// Every failure throws kiln::IOError naming the file (or directory) and the OS's reason. Writes
// are buffered until Flush() or Close(); the destructor closes without throwing.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::tensorboard {

struct EventFileWriterOptions {
  // Seconds since the Unix epoch, for each Event's wall_time and the file name; the system clock
  // when empty (a test passes a fixed one).
  std::function<double()> clock;
  // TF2's writers end names with ".v2" (TF1's had none); TensorBoard reads both.
  std::string filename_suffix = ".v2";
};

class EventFileWriter {
 public:
  explicit EventFileWriter(const std::string& log_dir, EventFileWriterOptions options = {});
  ~EventFileWriter();
  EventFileWriter(const EventFileWriter&) = delete;
  EventFileWriter& operator=(const EventFileWriter&) = delete;

  // The file written.
  const std::string& path() const { return path_; }

  // tf.summary.scalar's form: the value is stored as float32, as TensorFlow stores it.
  void AddScalar(const std::string& tag, int64_t step, double value);
  // tf.summary.histogram's form, HistogramBuckets(values, bucket_count).
  void AddHistogram(const std::string& tag, int64_t step, std::span<const double> values,
                    int bucket_count = 30);
  // A string scalar tensor for `plugin_name` (Keras's model JSON for "graph_keras_model").
  void AddString(const std::string& tag, int64_t step, std::string_view value,
                 const std::string& plugin_name, std::string_view plugin_content);
  // One TFRecord holding `data` (a serialized Event).
  void WriteRecord(std::string_view data);
  void Flush();
  // Flushes and closes; later writes throw. Idempotent.
  void Close();

 private:
  double Now() const;
  void WriteEvent(const std::string& serialized_event);
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };

  EventFileWriterOptions options_;
  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
};

// TF2's histogram buckets (tensorboard's summary_v2._buckets), `bucket_count` rows of
// (left, right, count), row-major: equal widths from min to max, the last bucket closed, the last
// right edge exactly max. All values equal: every edge is that value and the last bucket holds
// them all. No values: bucket_count rows of zeros. bucket_count <= 0: no rows. NaN and infinite
// values are left out (a diverged weight must not hide the others' spread).
std::vector<double> HistogramBuckets(std::span<const double> values, int bucket_count = 30);

// One TFRecord's bytes for `data`.
std::string FrameRecord(std::string_view data);

}  // namespace kiln::tensorboard

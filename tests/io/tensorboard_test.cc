// TensorBoard event files: CRC-32C against its published check values, TFRecord framing byte by
// byte, and the Events parsed back with protobuf.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "graph/error.h"
#include "io/tensorboard/crc32c.h"
#include "io/tensorboard/event.pb.h"
#include "io/tensorboard/event_writer.h"

namespace kiln::tensorboard {
namespace {

namespace fs = std::filesystem;

uint32_t ReadU32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}
uint64_t ReadU64(const std::string& s, size_t at) {
  return uint64_t(ReadU32(s, at)) | (uint64_t(ReadU32(s, at + 4)) << 32);
}

// Every record of a file, each checked against both of its CRCs.
std::vector<Event> ReadEvents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Event> out;
  size_t at = 0;
  while (at < s.size()) {
    const uint64_t n = ReadU64(s, at);
    EXPECT_EQ(ReadU32(s, at + 8), MaskedCrc32c(std::string_view(s).substr(at, 8)));
    const std::string_view data = std::string_view(s).substr(at + 12, n);
    EXPECT_EQ(ReadU32(s, at + 12 + n), MaskedCrc32c(data));
    Event e;
    EXPECT_TRUE(e.ParseFromArray(data.data(), static_cast<int>(data.size())));
    out.push_back(e);
    at += 16 + n;
  }
  EXPECT_EQ(at, s.size());
  return out;
}

std::vector<double> Values(std::initializer_list<double> v) { return v; }

fs::path TempDir(const std::string& name) {
  fs::path d = fs::path(testing::TempDir()) / name;
  fs::remove_all(d);
  return d;
}

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
  // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, of 0xFF, and ascending 0..31.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  // Continuing a CRC over a second piece equals the CRC of the whole.
  EXPECT_EQ(Crc32c("6789", Crc32c("12345")), 0xE3069283u);
}

TEST(Crc32c, Mask) {
  const uint32_t crc = 0xE3069283u;
  EXPECT_EQ(MaskCrc(crc), ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
  EXPECT_EQ(MaskCrc(0), 0xa282ead8u);
  EXPECT_EQ(MaskCrc(1), 0xa284ead8u);  // 1 << 17 plus the constant
}

TEST(TFRecord, Framing) {
  const std::string r = FrameRecord("abc");
  ASSERT_EQ(r.size(), 3u + 16u);
  EXPECT_EQ(r.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(ReadU32(r, 8), MaskCrc(Crc32c(std::string("\x03\0\0\0\0\0\0\0", 8))));
  EXPECT_EQ(r.substr(12, 3), "abc");
  EXPECT_EQ(ReadU32(r, 15), MaskCrc(Crc32c("abc")));
}

TEST(Histogram, BucketsAsTensorFlowComputesThem) {
  // min 0, max 3, 3 buckets of width 1; the last bucket is closed (3 goes into it).
  const std::vector<double> v = {0, 0.5, 1, 2.5, 3, 3};
  EXPECT_EQ(HistogramBuckets(v, 3), (std::vector<double>{0, 1, 2, 1, 2, 1, 2, 3, 3}));
  // One distinct value: every edge is it, the last bucket holds all.
  EXPECT_EQ(HistogramBuckets(Values({2, 2}), 2), (std::vector<double>{2, 2, 0, 2, 2, 2}));
  EXPECT_EQ(HistogramBuckets(Values({}), 2), (std::vector<double>(6, 0.0)));
  EXPECT_TRUE(HistogramBuckets(v, 0).empty());
  // Non-finite values are left out.
  EXPECT_EQ(HistogramBuckets(Values({0, NAN, 3, INFINITY}), 1), (std::vector<double>{0, 3, 2}));
}

TEST(EventFileWriter, WritesWhatTensorBoardReads) {
  const fs::path dir = TempDir("tb_events") / "train";
  std::string path;
  {
    EventFileWriter w(dir.string(), {.clock = [] { return 1700000000.25; }});
    path = w.path();
    w.AddScalar("epoch_loss", 3, 0.1);
    const std::vector<double> values = {0, 1, 2, 3};
    w.AddHistogram("dense/kernel/histogram", 4, values, 2);
    w.AddString("keras", 0, R"({"class_name": "Sequential"})", "graph_keras_model", "1");
    w.Close();
  }
  const std::string name = fs::path(path).filename().string();
  EXPECT_EQ(fs::path(path).parent_path(), dir);
  EXPECT_TRUE(name.starts_with("events.out.tfevents.1700000000.")) << name;
  EXPECT_TRUE(name.ends_with(".0.v2")) << name;

  const std::vector<Event> events = ReadEvents(path);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_EQ(events[0].wall_time(), 1700000000.25);

  const Event& s = events[1];
  EXPECT_EQ(s.step(), 3);
  ASSERT_EQ(s.summary().value_size(), 1);
  const Summary::Value& sv = s.summary().value(0);
  EXPECT_EQ(sv.tag(), "epoch_loss");
  EXPECT_EQ(sv.metadata().plugin_data().plugin_name(), "scalars");
  EXPECT_EQ(sv.metadata().data_class(), DATA_CLASS_SCALAR);
  EXPECT_EQ(sv.tensor().dtype(), DT_FLOAT);
  EXPECT_EQ(sv.tensor().tensor_shape().dim_size(), 0);
  ASSERT_EQ(sv.tensor().float_val_size(), 1);
  EXPECT_EQ(sv.tensor().float_val(0), 0.1f);

  const Summary::Value& hv = events[2].summary().value(0);
  EXPECT_EQ(events[2].step(), 4);
  EXPECT_EQ(hv.tag(), "dense/kernel/histogram");
  EXPECT_EQ(hv.metadata().plugin_data().plugin_name(), "histograms");
  EXPECT_EQ(hv.tensor().dtype(), DT_DOUBLE);
  ASSERT_EQ(hv.tensor().tensor_shape().dim_size(), 2);
  EXPECT_EQ(hv.tensor().tensor_shape().dim(0).size(), 2);
  EXPECT_EQ(hv.tensor().tensor_shape().dim(1).size(), 3);
  EXPECT_EQ(std::vector<double>(hv.tensor().double_val().begin(), hv.tensor().double_val().end()),
            (std::vector<double>{0, 1.5, 2, 1.5, 3, 2}));

  const Summary::Value& gv = events[3].summary().value(0);
  EXPECT_EQ(gv.tag(), "keras");
  EXPECT_EQ(gv.metadata().plugin_data().plugin_name(), "graph_keras_model");
  EXPECT_EQ(gv.metadata().plugin_data().content(), "1");
  EXPECT_EQ(gv.tensor().dtype(), DT_STRING);
  ASSERT_EQ(gv.tensor().string_val_size(), 1);
  EXPECT_EQ(gv.tensor().string_val(0), R"({"class_name": "Sequential"})");
}

TEST(EventFileWriter, NeverReplacesAFile) {
  const fs::path dir = TempDir("tb_two");
  auto clock = [] { return 1700000000.0; };
  EventFileWriter a(dir.string(), {.clock = clock});
  EventFileWriter b(dir.string(), {.clock = clock});
  EXPECT_NE(a.path(), b.path());
  EXPECT_TRUE(b.path().ends_with(".1.v2")) << b.path();
}

TEST(EventFileWriter, ErrorsNameThePathAndTheReason) {
  const fs::path dir = TempDir("tb_err");
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "x";  // a file where the log directory should go
  const std::string bad = (dir / "file" / "train").string();
  try {
    EventFileWriter w(bad);
    FAIL() << "no error";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Not a directory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kiln::tensorboard

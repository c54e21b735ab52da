#include "graph/logging.h"

#include <iostream>
#include <mutex>

namespace kiln {
namespace {

void DefaultSink(LogLevel level, std::string_view message) {
  std::cerr << "kiln: " << (level == LogLevel::kWarning ? "warning: " : "") << message << "\n";
}

// The registry of the hook: the one piece of global state logging needs.
struct SinkSlot {
  std::mutex mu;
  LogSink sink = DefaultSink;
};

SinkSlot& Slot() {
  static SinkSlot slot;
  return slot;
}

}  // namespace

LogSink SetLogSink(LogSink sink) {
  SinkSlot& s = Slot();
  std::lock_guard lock(s.mu);
  LogSink previous = std::move(s.sink);
  s.sink = sink ? std::move(sink) : LogSink(DefaultSink);
  return previous;
}

void Log(LogLevel level, std::string_view message) {
  SinkSlot& s = Slot();
  std::lock_guard lock(s.mu);
  s.sink(level, message);
}

}  // namespace kiln

// The library's one logging hook. Library code never writes to std::cerr; it reports warnings
// (a CPU fallback, a Keras-compatibility note) here, and the program decides where they go.
//
//   kiln::LogWarning("no cuda kernel for Softmax, node 'dense/Softmax' runs on cpu");
//   auto previous = kiln::SetLogSink([&](kiln::LogLevel, std::string_view m) { log.push_back(m);
//   });
//   ...
//   kiln::SetLogSink(previous);                       // restore
//
// The default sink writes "kiln: warning: <message>" lines to stderr. Sinks may be called from
// several threads at once; calls are serialized.
#pragma once

#include <functional>
#include <string_view>

namespace kiln {

enum class LogLevel { kInfo, kWarning };

using LogSink = std::function<void(LogLevel, std::string_view message)>;

// Installs `sink` (nullptr: the default) and returns the one it replaces.
LogSink SetLogSink(LogSink sink);
void Log(LogLevel level, std::string_view message);
inline void LogWarning(std::string_view message) { Log(LogLevel::kWarning, message); }

}  // namespace kiln

#include "keras/callbacks/model_checkpoint.h"

#include <cstdio>
#include <filesystem>
#include <regex>

#include "graph/logging.h"
#include "keras/model.h"

namespace kiln::keras::callbacks {

std::string FormatPath(const std::string& pattern, const Logs& values) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    const size_t close = pattern.find('}', i);
    if (close == std::string::npos)
      throw ValueError("Failed to format this callback filepath: \"" + pattern +
                       "\". Reason: Single '{' encountered in format string");
    const std::string field = pattern.substr(i + 1, close - i - 1);
    const size_t colon = field.find(':');
    const std::string name = field.substr(0, colon);
    const std::string spec = colon == std::string::npos ? "" : field.substr(colon + 1);
    auto it = values.find(name);
    if (it == values.end())
      throw ValueError("Failed to format this callback filepath: \"" + pattern + "\". Reason: '" +
                       name + "'");
    const double v = it->second;
    // [0][width][.precision](d|f|e|g), as Python's format mini-language spells them.
    static const std::regex kSpec(R"((0?)(\d*)(?:\.(\d+))?([dfeEgG]?))");
    std::smatch m;
    if (!std::regex_match(spec, m, kSpec))
      throw ValueError("Failed to format this callback filepath: \"" + pattern +
                       "\". Reason: format spec '" + spec + "' is not supported");
    const std::string type = m[4].str();
    char buf[128];
    if (type == "d" || (type.empty() && m[3].str().empty() && v == std::floor(v) &&
                        (name == "epoch" || name == "batch"))) {
      std::snprintf(buf, sizeof buf, ("%" + m[1].str() + m[2].str() + "lld").c_str(),
                    static_cast<long long>(v));
    } else if (type.empty() && spec.empty()) {
      std::snprintf(buf, sizeof buf, "%s", PythonFloat(v).c_str());
    } else {
      const std::string t = type.empty() ? "g" : type;
      std::snprintf(
          buf, sizeof buf,
          ("%" + m[1].str() + m[2].str() + (m[3].matched ? "." + m[3].str() : "") + t).c_str(), v);
    }
    out += buf;
    i = close;
  }
  return out;
}

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions options)
    : filepath_(std::move(filepath)),
      o_(std::move(options)),
      mode_("ModelCheckpoint", o_.monitor, o_.mode, false),
      best_(o_.initial_value_threshold.value_or(mode_.worst())) {
  if (!o_.save_freq.epoch && o_.save_freq.batches <= 0)
    throw ValueError(
        "ModelCheckpoint: Unrecognized save_freq: must be 'epoch' or a positive "
        "number of batches");
}

void ModelCheckpoint::on_train_begin(Logs&) { batches_since_save_ = 0; }

void ModelCheckpoint::on_epoch_begin(int epoch, Logs&) { epoch_ = epoch; }

void ModelCheckpoint::on_train_batch_end(int64_t batch, Logs& logs) {
  if (o_.save_freq.epoch || ++batches_since_save_ < o_.save_freq.batches) return;
  batches_since_save_ = 0;
  Save(epoch_, batch, logs);
}

void ModelCheckpoint::on_epoch_end(int epoch, Logs& logs) {
  if (o_.save_freq.epoch) Save(epoch, std::nullopt, logs);
}

void ModelCheckpoint::Save(int epoch, std::optional<int64_t> batch, const Logs& logs) {
  Logs values = logs;
  values["epoch"] = epoch + 1;
  if (batch) values["batch"] = double(*batch + 1);
  const std::string path = FormatPath(filepath_, values);
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  char line[256];
  if (o_.save_best_only) {
    auto it = logs.find(o_.monitor);
    if (it == logs.end()) {
      LogWarning("Can save best model only with " + o_.monitor + " available, skipping.");
      return;
    }
    if (!mode_.Better(it->second, best_)) {
      if (o_.verbose > 0) {
        std::snprintf(line, sizeof line, "%.5f", best_);
        out() << "\nEpoch " << epoch + 1 << ": " << o_.monitor << " did not improve from " << line
              << "\n";
      }
      return;
    }
    if (o_.verbose > 0) {
      std::snprintf(line, sizeof line, "from %.5f to %.5f", best_, it->second);
      out() << "\nEpoch " << epoch + 1 << ": " << o_.monitor << " improved " << line
            << ", saving model to " << path << "\n";
    }
    best_ = it->second;
  } else if (o_.verbose > 0) {
    out() << "\nEpoch " << epoch + 1 << ": saving model to " << path << "\n";
  }
  if (o_.save_weights_only)
    model().save_weights(path);
  else
    model().save(path);
}

}  // namespace kiln::keras::callbacks

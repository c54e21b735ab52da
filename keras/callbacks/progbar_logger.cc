#include "keras/callbacks/progbar_logger.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "graph/error.h"

namespace kiln::keras::callbacks {

ProgbarLogger::ProgbarLogger(ProgbarLoggerOptions options)
    : options_(std::move(options)), steps_(options_.count_mode == "steps") {
  if (!steps_ && options_.count_mode != "samples")
    throw ValueError("ProgbarLogger: Unknown `count_mode`: " + options_.count_mode +
                     " (expected 'samples' or 'steps')");
}

void ProgbarLogger::on_epoch_begin(int epoch, Logs&) {
  const int verbose = params().verbose;
  if (verbose) out() << "Epoch " << epoch + 1 << "/" << params().epochs << "\n";
  const bool dynamic =
      options_.dynamic.value_or(&out() == &std::cout && isatty(STDOUT_FILENO) == 1);
  bar_.emplace(target(),
               ProgbarOptions{.verbose = verbose, .dynamic = dynamic, .clock = options_.clock},
               out());
}

void ProgbarLogger::on_train_batch_end(int64_t batch, Logs& logs) {
  const int64_t seen =
      steps_ ? batch + 1 : std::min(params().samples, (batch + 1) * params().batch_size);
  // The last batch's update waits for the epoch's end, which adds the validation results.
  if (bar_ && seen < target()) bar_->update(seen, Shown(logs));
}

void ProgbarLogger::on_epoch_end(int, Logs& logs) {
  if (bar_) bar_->update(target(), Shown(logs));
  bar_.reset();
}

std::vector<std::pair<std::string, double>> ProgbarLogger::Shown(const Logs& logs) const {
  std::vector<std::pair<std::string, double>> shown;
  const std::vector<std::string>& names = params().metrics;
  for (const std::string& k : names)
    if (auto it = logs.find(k); it != logs.end()) shown.emplace_back(k, it->second);
  // A train_step of one's own names no metrics beforehand: all its logs are shown.
  if (steps_ || names.empty())
    for (const auto& [k, v] : logs)
      if (std::find(names.begin(), names.end(), k) == names.end()) shown.emplace_back(k, v);
  return shown;
}

}  // namespace kiln::keras::callbacks

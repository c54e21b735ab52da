#include "keras/progbar.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace kiln::keras {

Clock SteadyClock() {
  return [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
}

std::string FormatMetricValue(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, std::abs(v) > 1e-3 ? " %.4f" : " %.4e", v);
  return buf;
}

Progbar::Progbar(int64_t target, ProgbarOptions options, std::ostream& out)
    : target_(target), options_(std::move(options)), out_(out) {
  if (!options_.clock) options_.clock = SteadyClock();
  start_ = options_.clock();
}

void Progbar::update(int64_t current, const std::vector<std::pair<std::string, double>>& values) {
  const double now = options_.clock();
  char buf[128];
  std::snprintf(buf, sizeof buf, " - %.0fs", now - start_);
  std::string info = buf;
  auto append_values = [&] {
    for (const auto& [k, v] : values) info += " - " + k + ":" + FormatMetricValue(v);
  };
  if (options_.verbose == 1) {
    if (now - last_update_ < options_.interval && current < target_) return;
    const size_t prev_total_width = total_width_;
    if (options_.dynamic)
      out_ << std::string(prev_total_width, '\b') << '\r';
    else
      out_ << '\n';
    const int digits =
        target_ > 0 ? static_cast<int>(std::floor(std::log10(double(target_)))) + 1 : 1;
    std::snprintf(buf, sizeof buf, "%*lld/%lld [", digits, static_cast<long long>(current),
                  static_cast<long long>(target_));
    std::string bar = buf;
    const int prog_width =
        target_ > 0 ? static_cast<int>(options_.width * double(current) / double(target_)) : 0;
    if (prog_width > 0) {
      bar += std::string(prog_width - 1, '=');
      bar += current < target_ ? '>' : '=';
    }
    bar += std::string(std::max(0, options_.width - prog_width), '.');
    bar += ']';
    total_width_ = bar.size();
    out_ << bar;
    const double per_unit = current ? (now - start_) / double(current) : 0;
    if (current < target_) {
      const double eta = per_unit * double(target_ - current);
      if (eta > 3600)
        std::snprintf(buf, sizeof buf, " - ETA: %d:%02d:%02d", int(eta / 3600),
                      int(std::fmod(eta, 3600) / 60), int(std::fmod(eta, 60)));
      else if (eta > 60)
        std::snprintf(buf, sizeof buf, " - ETA: %d:%02d", int(eta / 60), int(std::fmod(eta, 60)));
      else
        std::snprintf(buf, sizeof buf, " - ETA: %ds", int(eta));
      info = buf;
    } else if (per_unit >= 1) {
      std::snprintf(buf, sizeof buf, " %.0fs/step", per_unit);
      info += buf;
    } else if (per_unit >= 1e-3) {
      std::snprintf(buf, sizeof buf, " %.0fms/step", per_unit * 1e3);
      info += buf;
    } else {
      std::snprintf(buf, sizeof buf, " %.0fus/step", per_unit * 1e6);
      info += buf;
    }
    append_values();
    total_width_ += info.size();
    if (prev_total_width > total_width_) info += std::string(prev_total_width - total_width_, ' ');
    if (current >= target_) info += '\n';
    out_ << info << std::flush;
  } else if (options_.verbose == 2) {
    if (current >= target_) {
      append_values();
      out_ << info << '\n' << std::flush;
    }
  }
  last_update_ = now;
}

}  // namespace kiln::keras

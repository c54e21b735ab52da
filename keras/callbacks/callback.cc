#include "keras/callbacks/callback.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "graph/error.h"

namespace kiln::keras::callbacks {

Model& Callback::model() const {
  if (!model_) throw ValueError("this callback is not attached to a model (it runs inside fit)");
  return *model_;
}

MonitorMode::MonitorMode(const std::string& who, const std::string& monitor,
                         const std::string& mode, bool ends_with_rule) {
  if (mode == "min") {
    greater = false;
  } else if (mode == "max") {
    greater = true;
  } else if (mode == "auto") {
    greater =
        ends_with_rule
            ? monitor.ends_with("acc") || monitor.ends_with("accuracy") || monitor.ends_with("auc")
            : monitor.find("acc") != std::string::npos || monitor.starts_with("fmeasure");
  } else {
    throw ValueError(who + ": mode must be 'auto', 'min' or 'max', got '" + mode + "'");
  }
}

double MonitorMode::worst() const {
  return greater ? -std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::infinity();
}

std::string PythonFloat(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // The shortest digits that round-trip, then Python's layout: positional for exponents in
  // [-4, 16), else d.ddde+XX.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  const size_t e = s.find('e');
  const int exp = std::stoi(s.substr(e + 1));
  std::string sign, digits;
  for (char c : s.substr(0, e))
    if (c == '-')
      sign = "-";
    else if (c != '.')
      digits += c;
  if (exp < -4 || exp >= 16) {
    std::string m = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
    const std::string ee = std::to_string(std::abs(exp));
    return sign + m + "e" + (exp < 0 ? "-" : "+") + (ee.size() < 2 ? "0" : "") + ee;
  }
  if (exp < 0) return sign + "0." + std::string(-exp - 1, '0') + digits;
  if (digits.size() <= static_cast<size_t>(exp) + 1)
    return sign + digits + std::string(exp + 1 - digits.size(), '0') + ".0";
  return sign + digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
}

std::string NotAvailable(const std::string& what, const std::string& monitor, const Logs& logs) {
  std::string keys;
  for (const auto& [k, v] : logs) keys += (keys.empty() ? "" : ",") + k;
  return what + " `" + monitor + "` which is not available. Available metrics are: " + keys;
}

}  // namespace kiln::keras::callbacks

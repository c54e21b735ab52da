#include "keras/summary.h"

namespace kiln::keras {
namespace {

// Keras's print_row: each field truncated or padded to end at its column position.
std::string Row(const std::vector<std::string>& fields, const std::vector<size_t>& positions) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line = line.substr(0, line.size() - 1) + " ";
    line += fields[i];
    line = line.substr(0, positions[i]);
    line += std::string(positions[i] - line.size(), ' ');
  }
  return line;
}

}  // namespace

std::string ThousandsSeparated(int64_t n) {
  std::string s = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(i, ",");
  return n < 0 ? "-" + s : s;
}

void PrintSummaryTable(std::ostream& out, const std::string& model_name,
                       const std::vector<SummaryRow>& rows, int64_t total_params,
                       int64_t trainable_params, bool functional) {
  // Keras's positions: [.33, .55, .67, 1] of 98 columns, or [.45, .85, 1] of 65.
  const size_t width = functional ? 98 : 65;
  const std::vector<size_t> pos =
      functional ? std::vector<size_t>{32, 53, 65, 98} : std::vector<size_t>{29, 55, 65};
  const std::string rule(width, '_'), double_rule(width, '=');
  out << "Model: \"" << model_name << "\"\n" << rule << "\n";
  std::vector<std::string> header = {"Layer (type)", "Output Shape", "Param #"};
  if (functional) header.push_back("Connected to");
  out << Row(header, pos) << "\n" << double_rule << "\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const SummaryRow& r = rows[i];
    std::vector<std::string> fields = {r.layer, r.output_shape, std::to_string(r.params)};
    if (functional) fields.push_back(r.connected_to.empty() ? "" : r.connected_to[0]);
    out << Row(fields, pos) << "\n";
    for (size_t c = 1; functional && c < r.connected_to.size(); ++c)
      out << Row({"", "", "", r.connected_to[c]}, pos) << "\n";
    out << (i + 1 == rows.size() ? double_rule : rule) << "\n";
  }
  if (rows.empty()) out << double_rule << "\n";
  out << "Total params: " << ThousandsSeparated(total_params) << "\n"
      << "Trainable params: " << ThousandsSeparated(trainable_params) << "\n"
      << "Non-trainable params: " << ThousandsSeparated(total_params - trainable_params) << "\n"
      << rule << "\n";
}

}  // namespace kiln::keras

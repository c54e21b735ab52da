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
                       int64_t trainable_params) {
  const std::vector<size_t> pos = {29, 55, 65};
  const std::string rule(65, '_'), double_rule(65, '=');
  out << "Model: \"" << model_name << "\"\n" << rule << "\n";
  out << Row({"Layer (type)", "Output Shape", "Param #"}, pos) << "\n" << double_rule << "\n";
  for (size_t i = 0; i < rows.size(); ++i)
    out << Row({rows[i].layer, rows[i].output_shape, std::to_string(rows[i].params)}, pos) << "\n"
        << (i + 1 == rows.size() ? double_rule : rule) << "\n";
  if (rows.empty()) out << double_rule << "\n";
  out << "Total params: " << ThousandsSeparated(total_params) << "\n"
      << "Trainable params: " << ThousandsSeparated(trainable_params) << "\n"
      << "Non-trainable params: " << ThousandsSeparated(total_params - trainable_params) << "\n"
      << rule << "\n";
}

}  // namespace kiln::keras

// Keras's classic summary() table (keras/utils/layer_utils.py print_summary, 65 columns, thousands
// separators; 98 with "Connected to" for functional models), for models and for files Kiln only
// inspects.
//
//   PrintSummaryTable(std::cout, "sequential", {{"dense (Dense)", "(None, 10)", 7850}}, 7850,
//   7850);
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace kiln::keras {

struct SummaryRow {
  std::string layer;         // "dense (Dense)"
  std::string output_shape;  // "(None, 10)"
  int64_t params = 0;
  // A functional model's "Connected to" column: "dense_1[0][0]", one per inbound tensor.
  std::vector<std::string> connected_to = {};
};

// `functional`: Keras's 98-column table with the "Connected to" column.
void PrintSummaryTable(std::ostream& out, const std::string& model_name,
                       const std::vector<SummaryRow>& rows, int64_t total_params,
                       int64_t trainable_params, bool functional = false);
// "270,218"
std::string ThousandsSeparated(int64_t n);

}  // namespace kiln::keras

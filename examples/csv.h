// A small CSV reader for the examples that read real data (text_classification, time_series):
// RFC 4180 fields, quoted ones with doubled quotes, commas and newlines inside, and CRLF lines.
//
//   CsvTable t = ReadCsv("/tmp/sunspots.csv");        // t.header {"YEAR", "SUNACTIVITY"}
//   std::vector<double> v = NumericColumn(t, "SUNACTIVITY");
#pragma once

#include <string>
#include <vector>

namespace kiln::examples {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header
};

// The first record is the header. Throws std::runtime_error naming the file (and the line) for a
// file that cannot be read, an unterminated quote or a row whose field count differs.
CsvTable ReadCsv(const std::string& path);
CsvTable ParseCsv(const std::string& text, const std::string& where = "CSV");

// The index of the column named `name`; throws std::runtime_error listing the header if absent.
size_t ColumnIndex(const CsvTable& table, const std::string& name);
// The column as numbers; throws std::runtime_error naming the row of a field that is not one.
std::vector<double> NumericColumn(const CsvTable& table, const std::string& name);

}  // namespace kiln::examples

#include "examples/csv.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kiln::examples {

CsvTable ParseCsv(const std::string& text, const std::string& where) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  int64_t line = 1, record_line = 1;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
  };
  auto end_record = [&] {
    end_field();
    if (!(record.size() == 1 && record[0].empty())) {  // blank lines are skipped
      if (!records.empty() && record.size() != records[0].size())
        throw std::runtime_error(where + ": line " + std::to_string(record_line) + " has " +
                                 std::to_string(record.size()) + " fields, the header " +
                                 std::to_string(records[0].size()));
      records.push_back(std::move(record));
    }
    record.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        line += c == '\n';
        field += c;
      }
      continue;
    }
    if (!any) record_line = line;
    any = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      field += c;
    }
  }
  if (quoted)
    throw std::runtime_error(where + ": the quote opened on line " + std::to_string(record_line) +
                             " is not closed");
  if (any) end_record();
  if (records.empty()) throw std::runtime_error(where + ": no header");
  CsvTable t;
  t.header = std::move(records[0]);
  t.rows.assign(std::make_move_iterator(records.begin() + 1),
                std::make_move_iterator(records.end()));
  return t;
}

CsvTable ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return ParseCsv(s.str(), path);
}

size_t ColumnIndex(const CsvTable& table, const std::string& name) {
  for (size_t i = 0; i < table.header.size(); ++i)
    if (table.header[i] == name) return i;
  std::string have;
  for (const std::string& h : table.header) have += (have.empty() ? "" : ", ") + h;
  throw std::runtime_error("no column \"" + name + "\" (the header has: " + have + ")");
}

std::vector<double> NumericColumn(const CsvTable& table, const std::string& name) {
  const size_t c = ColumnIndex(table, name);
  std::vector<double> v;
  v.reserve(table.rows.size());
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& f = table.rows[r][c];
    char* end = nullptr;
    const double x = std::strtod(f.c_str(), &end);
    if (f.empty() || *end != '\0')
      throw std::runtime_error("column \"" + name + "\", row " + std::to_string(r + 1) + ": \"" +
                               f + "\" is not a number");
    v.push_back(x);
  }
  return v;
}

}  // namespace kiln::examples

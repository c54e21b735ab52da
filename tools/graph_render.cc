#include "tools/graph_render.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "graph/topo_sort.h"

namespace kiln::tools {
namespace {

std::string Label(const Node& n) {
  std::string types;
  for (const auto& t : n.outputs) types += (types.empty() ? "" : " ") + t.ToString();
  return n.op + "\\n" + n.name + "\\n" + types + " @" + n.device;
}

std::string Color(const std::string& op) {
  if (op == "Variable") return "#ffe9a8";
  if (op == "Placeholder") return "#c8e6ff";
  if (op == "Const") return "#e8e8e8";
  if (op.rfind("Apply", 0) == 0) return "#ffc8c8";
  if (op == "MatMul" || op.rfind("Fused", 0) == 0) return "#c9f2c9";
  return "#ffffff";
}

}  // namespace

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string GraphToDot(const Graph& g, const std::string& title) {
  std::ostringstream os;
  os << "digraph \"" << title
     << "\" {\n  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", "
        "fontsize=10];\n";
  for (int id : g.NodeIds()) {
    const Node& n = g.node(id);
    std::string label = Label(n);
    std::string escaped;
    for (char c : label) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    os << "  n" << id << " [label=\"" << escaped << "\", fillcolor=\"" << Color(n.op) << "\"];\n";
  }
  for (int id : g.NodeIds())
    for (const ValueRef& in : g.node(id).inputs) os << "  n" << in.node << " -> n" << id << ";\n";
  os << "}\n";
  return os.str();
}

std::string GraphToSvg(const Graph& g) {
  // Rows by depth (longest path from a source); columns in id order within a row.
  std::map<int, int> depth;
  for (int id : TopologicalOrder(g)) {
    int d = 0;
    for (const ValueRef& in : g.node(id).inputs) d = std::max(d, depth[in.node] + 1);
    depth[id] = d;
  }
  // Sources (variables, constants) sit just above their first reader instead of all in row 0.
  for (int id : g.NodeIds()) {
    if (!g.node(id).inputs.empty()) continue;
    int first = -1;
    for (int user : g.NodeIds())
      for (const ValueRef& in : g.node(user).inputs)
        if (in.node == id && (first < 0 || depth[user] < first)) first = depth[user];
    if (first > 0) depth[id] = first - 1;
  }
  std::map<int, std::vector<int>> rows;
  for (auto [id, d] : depth) rows[d].push_back(id);
  const int w = 170, h = 46, gap_x = 20, gap_y = 36;
  size_t widest = 1;
  for (auto& [d, ids] : rows) widest = std::max(widest, ids.size());
  std::map<int, std::pair<int, int>> pos;
  for (auto& [d, ids] : rows)
    for (size_t i = 0; i < ids.size(); ++i)
      pos[ids[i]] = {static_cast<int>(10 + i * (w + gap_x)), 10 + d * (h + gap_y)};
  const int width = static_cast<int>(20 + widest * (w + gap_x)),
            height = 20 + static_cast<int>(rows.size()) * (h + gap_y);
  std::ostringstream os;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
     << "\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"10\">\n";
  os << "<defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" "
        "orient=\"auto\">"
        "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#777\"/></marker></defs>\n";
  for (int id : g.NodeIds())
    for (const ValueRef& in : g.node(id).inputs) {
      auto [x1, y1] = pos[in.node];
      auto [x2, y2] = pos[id];
      os << "<line x1=\"" << x1 + w / 2 << "\" y1=\"" << y1 + h << "\" x2=\"" << x2 + w / 2
         << "\" y2=\"" << y2 << "\" stroke=\"#999\" marker-end=\"url(#arrow)\"/>\n";
    }
  for (int id : g.NodeIds()) {
    const Node& n = g.node(id);
    auto [x, y] = pos[id];
    std::string types;
    for (const auto& t : n.outputs) types += (types.empty() ? "" : " ") + t.ToString();
    os << "<g><title>" << HtmlEscape(n.name) << "</title><rect x=\"" << x << "\" y=\"" << y
       << "\" width=\"" << w << "\" height=\"" << h << "\" rx=\"6\" fill=\"" << Color(n.op)
       << "\" stroke=\"#555\"/>"
       << "<text x=\"" << x + 6 << "\" y=\"" << y + 14 << "\" font-weight=\"bold\">"
       << HtmlEscape(n.op) << "</text>"
       << "<text x=\"" << x + 6 << "\" y=\"" << y + 27 << "\">" << HtmlEscape(n.name.substr(0, 30))
       << "</text>"
       << "<text x=\"" << x + 6 << "\" y=\"" << y + 40 << "\" fill=\"#335\">"
       << HtmlEscape((types + " @" + n.device).substr(0, 32)) << "</text></g>\n";
  }
  os << "</svg>\n";
  return os.str();
}

std::string HistogramSvg(const Tensor& t, int width, int height) {
  const Tensor d = t.astype(kFloat64);
  double lo = INFINITY, hi = -INFINITY;
  for (double v : d.values<double>())
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  const int bins = 30;
  std::vector<int64_t> counts(bins, 0);
  if (lo <= hi)
    for (double v : d.values<double>()) {
      if (!std::isfinite(v)) continue;
      int b = hi > lo ? static_cast<int>((v - lo) / (hi - lo) * bins) : 0;
      ++counts[std::min(b, bins - 1)];
    }
  const int64_t top = std::max<int64_t>(1, *std::max_element(counts.begin(), counts.end()));
  std::ostringstream os;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
     << height + 14 << "\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"9\">";
  const double bw = double(width) / bins;
  for (int b = 0; b < bins; ++b) {
    const double bh = double(height) * double(counts[b]) / double(top);
    os << "<rect x=\"" << b * bw << "\" y=\"" << height - bh << "\" width=\"" << bw - 1
       << "\" height=\"" << bh << "\" fill=\"#4a7bd0\"><title>" << counts[b] << "</title></rect>";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g", lo <= hi ? lo : 0.0);
  os << "<text x=\"0\" y=\"" << height + 11 << "\">" << buf << "</text>";
  std::snprintf(buf, sizeof buf, "%.3g", lo <= hi ? hi : 0.0);
  os << "<text x=\"" << width << "\" y=\"" << height + 11 << "\" text-anchor=\"end\">" << buf
     << "</text></svg>";
  return os.str();
}

}  // namespace kiln::tools

#include "tools/graph_render.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "graph/topo_sort.h"

namespace kiln::tools {
namespace {

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

Drawing DrawingOf(const Graph& g) {
  Drawing d;
  std::map<int, int> index;
  for (int id : TopologicalOrder(g)) {
    const Node& n = g.node(id);
    std::string types;
    for (const auto& t : n.outputs) types += (types.empty() ? "" : " ") + t.ToString();
    index[id] = static_cast<int>(d.boxes.size());
    d.boxes.push_back({{n.op, n.name, types + " @" + n.device}, Color(n.op)});
  }
  for (int id : g.NodeIds())
    for (const ValueRef& in : g.node(id).inputs) d.edges.emplace_back(index[in.node], index[id]);
  return d;
}

Drawing DrawingOf(keras::Model& model) {
  Drawing d;
  std::map<const keras::LayerNode*, int> index;
  for (const auto& node : model.nodes()) {
    std::string shapes;
    for (const Shape& s : node->output_shapes)
      shapes += (shapes.empty() ? "" : " ") + keras::KerasShapeString(s);
    const std::string cls = node->layer->class_name();
    index[node.get()] = static_cast<int>(d.boxes.size());
    d.boxes.push_back({{cls, node->layer->name(), shapes},
                       cls == "InputLayer"                          ? "#c8e6ff"
                       : cls == "Functional" || cls == "Sequential" ? "#ffe9a8"
                       : node->layer->count_params() > 0            ? "#c9f2c9"
                                                                    : "#ffffff"});
    for (const keras::KerasTensor& in : node->inputs)
      d.edges.emplace_back(index.at(in.node().get()), index[node.get()]);
  }
  return d;
}

std::string ToDot(const Drawing& d, const std::string& title) {
  std::ostringstream os;
  os << "digraph \"" << title
     << "\" {\n  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", "
        "fontsize=10];\n";
  for (size_t i = 0; i < d.boxes.size(); ++i) {
    std::string label;
    for (const std::string& line : d.boxes[i].lines) label += (label.empty() ? "" : "\\n") + line;
    std::string escaped;
    for (char c : label) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    os << "  n" << i << " [label=\"" << escaped << "\", fillcolor=\"" << d.boxes[i].color
       << "\"];\n";
  }
  for (auto [from, to] : d.edges) os << "  n" << from << " -> n" << to << ";\n";
  os << "}\n";
  return os.str();
}

std::string ToSvg(const Drawing& d) {
  // Rows by depth (longest path from a source); boxes come in topological order.
  std::vector<int> depth(d.boxes.size(), 0);
  std::vector<std::vector<int>> readers(d.boxes.size());
  for (auto [from, to] : d.edges) readers[from].push_back(to);
  for (size_t i = 0; i < d.boxes.size(); ++i)
    for (int r : readers[i]) depth[r] = std::max(depth[r], depth[i] + 1);
  // Sources (variables, constants) sit just above their first reader instead of all in row 0.
  std::vector<bool> source(d.boxes.size(), true);
  for (auto [from, to] : d.edges) source[to] = false;
  for (size_t i = 0; i < d.boxes.size(); ++i) {
    if (!source[i] || readers[i].empty()) continue;
    int first = -1;
    for (int r : readers[i])
      if (first < 0 || depth[r] < first) first = depth[r];
    if (first > 0) depth[i] = first - 1;
  }
  std::map<int, std::vector<int>> rows;
  for (size_t i = 0; i < d.boxes.size(); ++i) rows[depth[i]].push_back(static_cast<int>(i));
  const int w = 170, h = 46, gap_x = 20, gap_y = 36;
  size_t widest = 1;
  for (auto& [r, ids] : rows) widest = std::max(widest, ids.size());
  std::vector<std::pair<int, int>> pos(d.boxes.size());
  int row = 0;
  for (auto& [r, ids] : rows) {
    for (size_t i = 0; i < ids.size(); ++i)
      pos[ids[i]] = {static_cast<int>(10 + i * (w + gap_x)), 10 + row * (h + gap_y)};
    ++row;
  }
  const int width = static_cast<int>(20 + widest * (w + gap_x)),
            height = 20 + static_cast<int>(rows.size()) * (h + gap_y);
  std::ostringstream os;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
     << "\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"10\">\n";
  os << "<defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" "
        "orient=\"auto\">"
        "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#777\"/></marker></defs>\n";
  for (auto [from, to] : d.edges) {
    auto [x1, y1] = pos[from];
    auto [x2, y2] = pos[to];
    os << "<line x1=\"" << x1 + w / 2 << "\" y1=\"" << y1 + h << "\" x2=\"" << x2 + w / 2
       << "\" y2=\"" << y2 << "\" stroke=\"#999\" marker-end=\"url(#arrow)\"/>\n";
  }
  for (size_t i = 0; i < d.boxes.size(); ++i) {
    const Drawing::Box& b = d.boxes[i];
    auto [x, y] = pos[i];
    os << "<g><title>" << HtmlEscape(b.lines[1]) << "</title><rect x=\"" << x << "\" y=\"" << y
       << "\" width=\"" << w << "\" height=\"" << h << "\" rx=\"6\" fill=\"" << b.color
       << "\" stroke=\"#555\"/>"
       << "<text x=\"" << x + 6 << "\" y=\"" << y + 14 << "\" font-weight=\"bold\">"
       << HtmlEscape(b.lines[0]) << "</text>"
       << "<text x=\"" << x + 6 << "\" y=\"" << y + 27 << "\">"
       << HtmlEscape(b.lines[1].substr(0, 30)) << "</text>"
       << "<text x=\"" << x + 6 << "\" y=\"" << y + 40 << "\" fill=\"#335\">"
       << HtmlEscape(b.lines[2].substr(0, 32)) << "</text></g>\n";
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

// Pictures of op graphs for the inspector: Graphviz DOT text, and a self-contained SVG (nodes laid
// out in rows by depth) for the HTML page. Both show each node's op, output shapes and device.
#pragma once

#include <string>

#include "graph/graph.h"
#include "graph/tensor.h"

namespace kiln::tools {

std::string GraphToDot(const Graph& graph, const std::string& title);
std::string GraphToSvg(const Graph& graph);
// A 30-bin histogram of the finite values, as an inline SVG.
std::string HistogramSvg(const Tensor& t, int width = 320, int height = 90);
// Escapes &, <, >, " for HTML and SVG text.
std::string HtmlEscape(const std::string& s);

}  // namespace kiln::tools

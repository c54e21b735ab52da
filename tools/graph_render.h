// Pictures for the inspector: an op graph (each node's op, name, output types and device) or a
// model's layer graph (each layer call's class, name and output shapes, as Keras's plot_model),
// as Graphviz DOT text or as a self-contained SVG (boxes in rows by depth) for the HTML page.
//
//   WriteBytes(path, {ToDot(DrawingOf(model.optimized_forward_graph()), "mlp")});
//   html << ToSvg(DrawingOf(model));   // the layers
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "graph/tensor.h"
#include "keras/model.h"

namespace kiln::tools {

// Boxes in topological order and the edges between them (indices into boxes).
struct Drawing {
  struct Box {
    std::array<std::string, 3> lines;  // kind (op or class), name, shapes
    std::string color;
  };
  std::vector<Box> boxes;
  std::vector<std::pair<int, int>> edges;
};

Drawing DrawingOf(const Graph& graph);
Drawing DrawingOf(keras::Model& model);
std::string ToDot(const Drawing& drawing, const std::string& title);
std::string ToSvg(const Drawing& drawing);
// A 30-bin histogram of the finite values, as an inline SVG.
std::string HistogramSvg(const Tensor& t, int width = 320, int height = 90);
// Escapes &, <, >, " for HTML and SVG text.
std::string HtmlEscape(const std::string& s);

}  // namespace kiln::tools

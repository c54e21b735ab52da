// kiln inspect FILE: what a Keras or Kiln model file holds, as text, JSON, a graph (text or DOT)
// or one self-contained HTML page.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "io/atomic_file.h"
#include "io/kiln_graph.h"
#include "io/user_path.h"
#include "keras/model_config.h"
#include "keras/saving/keras_h5.h"
#include "keras/saving/model_file_info.h"
#include "keras/summary.h"
#include "tools/commands.h"
#include "tools/errors.h"
#include "tools/graph_render.h"

namespace kiln::tools {
namespace {

struct Options {
  std::string path, dot, html;
  bool json = false, graph = false, training = false, layers = false;
};

struct Inspection {
  keras::saving::ModelFileInfo info;
  std::unique_ptr<keras::Model> model;      // null when Kiln cannot build it
  std::string unsupported;                  // why not
  std::optional<io::GraphFile> graph_file;  // a .kiln file's own graphs
};

Inspection Inspect(const std::string& path) {
  Inspection r{keras::saving::ReadModelFileInfo(path), nullptr, ""};
  if (r.info.format == keras::saving::ModelFileFormat::kKilnGraph) {
    r.graph_file = io::ReadGraphFile(path);
    // The graph file runs without a model; one is built from its config only to count what trains.
    if (r.info.model_config) {
      try {
        std::unique_ptr<keras::Model> m = keras::ModelFromConfig(*r.info.model_config);
        m->Build();
        keras::saving::ApplyTrainability(r.info, *m);
      } catch (const Error&) {
        // Unbuildable: the names' guess stands.
      }
    }
  } else if (r.info.format == keras::saving::ModelFileFormat::kLegacyFull ||
             r.info.format == keras::saving::ModelFileFormat::kKerasArchive) {
    try {
      r.model = keras::saving::LoadModel(path);
      keras::saving::ApplyTrainability(r.info, *r.model);
    } catch (const IOError&) {
      throw;
    } catch (const Error& e) {
      r.unsupported = e.what();
    }
  } else {
    r.unsupported = "the file holds weights only (no model config)";
  }
  return r;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::vector<keras::SummaryRow> Rows(Inspection& r) {
  std::vector<keras::SummaryRow> rows;
  if (r.model && !r.graph_file) {
    rows = r.model->summary_rows();
  } else {
    for (const auto& l : r.info.layers)
      rows.push_back({l.name + " (" + l.class_name + ")", "?", l.params});
  }
  return rows;
}

// Whether the table gets the "Connected to" column, as the model's own summary() would.
bool Functional(const Inspection& r) {
  return r.model && !r.graph_file && r.model->class_name() == "Functional";
}

std::string ModelName(const Inspection& r) {
  if (r.model) return r.model->name();
  if (r.info.model_config && (*r.info.model_config)["config"].is_object())
    return (*r.info.model_config)["config"].value("name", "model");
  return "model";
}

void PrintText(Inspection& r, std::ostream& out) {
  out << "File: " << r.info.path << "\nFormat: " << keras::saving::FormatName(r.info.format)
      << "\n";
  if (!r.info.kiln_version.empty() && r.info.format != keras::saving::ModelFileFormat::kKilnGraph)
    out << "Written by Kiln " << r.info.kiln_version << " (Keras "
        << (r.info.keras_version.empty() ? "?" : r.info.keras_version) << " format)"
        << "    Backend: " << (r.info.backend.empty() ? "(not recorded)" : r.info.backend)
        << "\n\n";
  else
    out << "Keras version: "
        << (r.info.keras_version.empty() ? "(not recorded)" : r.info.keras_version)
        << "    Backend: " << (r.info.backend.empty() ? "(not recorded)" : r.info.backend)
        << "\n\n";
  keras::PrintSummaryTable(out, ModelName(r), Rows(r), r.info.total_params, r.info.trainable_params,
                           Functional(r));
  if (r.info.training_config) {
    const auto& tc = *r.info.training_config;
    out << "\nTraining config:\n";
    if (tc.is_object()) {
      const auto opt = tc.value("optimizer_config", nlohmann::json::object());
      out << "  optimizer: " << opt.value("class_name", "?") << " "
          << opt.value("config", nlohmann::json::object()).dump() << "\n";
      out << "  loss: " << (tc.contains("loss") ? tc["loss"].dump() : "null") << "\n";
      out << "  metrics: " << (tc.contains("metrics") ? tc["metrics"].dump() : "null") << "\n";
    } else {
      out << "  " << tc.dump() << "\n";
    }
  }
  out << "\nWeights:\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-34s %-12s %-8s %9s %11s %11s %11s %11s %7s %5s %5s\n", "name",
                "shape", "dtype", "params", "min", "max", "mean", "std", "zeros", "nan", "inf");
  out << line;
  for (const auto& w : r.info.weights) {
    std::snprintf(line, sizeof line,
                  "%-34s %-12s %-8s %9lld %11s %11s %11s %11s %7lld %5lld %5lld\n", w.name.c_str(),
                  w.value.shape().ToString().c_str(),
                  std::string(DTypeName(w.value.dtype())).c_str(),
                  static_cast<long long>(w.value.num_elements()), Num(w.stats.min).c_str(),
                  Num(w.stats.max).c_str(), Num(w.stats.mean).c_str(), Num(w.stats.std).c_str(),
                  static_cast<long long>(w.stats.zeros), static_cast<long long>(w.stats.nan),
                  static_cast<long long>(w.stats.inf));
    out << line;
  }
  if (!r.unsupported.empty()) out << "\nKiln cannot build this model: " << r.unsupported << "\n";
}

nlohmann::json ToJson(Inspection& r) {
  nlohmann::json j;
  j["file"] = r.info.path;
  j["format"] = keras::saving::FormatName(r.info.format);
  j["keras_version"] = r.info.keras_version;
  j["backend"] = r.info.backend;
  if (!r.info.kiln_version.empty()) j["kiln_version"] = r.info.kiln_version;
  j["model_name"] = ModelName(r);
  j["total_params"] = r.info.total_params;
  j["trainable_params"] = r.info.trainable_params;
  j["non_trainable_params"] = r.info.total_params - r.info.trainable_params;
  j["buildable"] = r.model != nullptr;
  if (!r.unsupported.empty()) j["unsupported"] = r.unsupported;
  j["layers"] = nlohmann::json::array();
  auto rows = Rows(r);
  for (size_t i = 0; i < rows.size(); ++i) {
    nlohmann::json l;
    if (r.model) {
      l["name"] = r.model->layers()[i]->name();
      l["class_name"] = r.model->layers()[i]->class_name();
      l["output_shape"] = rows[i].output_shape;
    } else {
      l["name"] = r.info.layers[i].name;
      l["class_name"] = r.info.layers[i].class_name;
    }
    l["params"] = rows[i].params;
    j["layers"].push_back(l);
  }
  j["weights"] = nlohmann::json::array();
  for (const auto& w : r.info.weights)
    j["weights"].push_back({{"layer", w.layer},
                            {"name", w.name},
                            {"shape", w.value.shape().dims()},
                            {"dtype", DTypeName(w.value.dtype())},
                            {"params", w.value.num_elements()},
                            {"trainable", w.trainable},
                            {"min", w.stats.min},
                            {"max", w.stats.max},
                            {"mean", w.stats.mean},
                            {"std", w.stats.std},
                            {"zeros", w.stats.zeros},
                            {"nan", w.stats.nan},
                            {"inf", w.stats.inf}});
  if (r.info.training_config) j["training_config"] = *r.info.training_config;
  if (r.info.model_config) j["model_config"] = *r.info.model_config;
  return j;
}

// The graphs the inspector shows: before and after the optimizer passes, with what each pass did.
struct Graphs {
  Graph before, after;
  std::string report;
};

Graphs LowerGraphs(Inspection& r, bool training) {
  if (r.graph_file) {  // a .kiln file holds its graphs already optimized
    const io::SubGraphDef* sg = r.graph_file->Find(training ? "train" : "serving");
    if (!sg)
      throw Error(r.info.path + ": the file has no " + std::string(training ? "train" : "serving") +
                  " graph");
    return {sg->graph, sg->graph, "(stored optimized in the .kiln file)\n"};
  }
  if (!r.model) throw Error("cannot show the graph: " + r.unsupported);
  Graphs g;
  if (training) {
    if (!r.model->compiled()) {
      const std::string out_op = r.model->layers().back()->get_config().value("activation", "");
      const std::string loss =
          out_op == "softmax" || r.model->layers().back()->class_name() == "Softmax"
              ? "categorical_crossentropy"
              : "mse";
      std::cerr << "kiln inspect: the file has no usable training_config; showing the training "
                   "graph for SGD and "
                << loss << "\n";
      r.model->compile({.optimizer = "sgd", .loss = loss});
    }
    g.before = r.model->training_graph();
    g.after = r.model->optimized_training_graph();
    g.report = r.model->training_pass_report();
  } else {
    g.before = r.model->forward_graph();
    g.after = r.model->optimized_forward_graph();
    g.report = r.model->forward_pass_report();
  }
  return g;
}

void WriteHtml(Inspection& r, const std::string& out_path) {
  std::ostringstream html;
  std::ostringstream summary;
  keras::PrintSummaryTable(summary, ModelName(r), Rows(r), r.info.total_params,
                           r.info.trainable_params, Functional(r));
  html
      << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>kiln inspect "
      << HtmlEscape(r.info.path)
      << "</title>\n<style>body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222}"
         "pre{background:#f6f6f6;padding:10px;border-radius:6px;font-size:12px}"
         "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px "
         "8px;text-align:right}"
         "td:first-child,th:first-child{text-align:left}.graph{overflow:auto;border:1px solid #ddd}"
         "</style></head><body>\n";
  html << "<h1>" << HtmlEscape(ModelName(r)) << "</h1>\n<p>" << HtmlEscape(r.info.path)
       << " &mdash; " << HtmlEscape(keras::saving::FormatName(r.info.format)) << ", Keras "
       << HtmlEscape(r.info.keras_version) << ", backend " << HtmlEscape(r.info.backend)
       << "</p>\n";
  html << "<h2>Summary</h2>\n<pre>" << HtmlEscape(summary.str()) << "</pre>\n";
  if (!r.unsupported.empty())
    html << "<p><b>Kiln cannot build this model:</b></p><pre>" << HtmlEscape(r.unsupported)
         << "</pre>\n";
  if (r.model)
    html << "<h2>Layers</h2>\n<div class=\"graph\">" << ToSvg(DrawingOf(*r.model)) << "</div>\n";
  if (r.model || r.graph_file) {
    Graphs g = LowerGraphs(r, false);
    html << "<h2>Graph (forward, after the optimizer passes)</h2>\n<div class=\"graph\">"
         << ToSvg(DrawingOf(g.after)) << "</div>\n";
  }
  html
      << "<h2>Weights</h2>\n<table><tr><th>name</th><th>shape</th><th>dtype</th><th>params</"
         "th><th>min</th><th>max</th>"
         "<th>mean</th><th>std</th><th>zeros</th><th>nan</th><th>inf</th><th>histogram</th></tr>\n";
  for (const auto& w : r.info.weights)
    html << "<tr><td>" << HtmlEscape(w.name) << "</td><td>" << w.value.shape().ToString()
         << "</td><td>" << DTypeName(w.value.dtype()) << "</td><td>" << w.value.num_elements()
         << "</td><td>" << Num(w.stats.min) << "</td><td>" << Num(w.stats.max) << "</td><td>"
         << Num(w.stats.mean) << "</td><td>" << Num(w.stats.std) << "</td><td>" << w.stats.zeros
         << "</td><td>" << w.stats.nan << "</td><td>" << w.stats.inf << "</td><td>"
         << HistogramSvg(w.value) << "</td></tr>\n";
  html << "</table>\n</body></html>\n";
  const std::string page = html.str();
  WriteFileAtomically(out_path, [&](const std::string& tmp) { WriteBytes(tmp, {page}); });
}

}  // namespace

void AddInspectCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("inspect",
                                 "Show what a model file holds: summary, training config, weights");
  static Options o;
  cmd->add_option("FILE", o.path, "a Keras .h5, .weights.h5 or .keras file, or one Kiln wrote")
      ->transform(kiln::UserPath)
      ->required();
  cmd->add_flag("--json", o.json, "print JSON for scripts");
  cmd->add_flag("--graph", o.graph,
                "print the lowered op graph before and after the optimizer passes");
  cmd->add_flag("--training", o.training,
                "with --graph/--dot: the whole training step (forward, backward, updates)");
  auto* dot =
      cmd->add_option("--dot", o.dot, "write the optimized graph as Graphviz DOT to this file")
          ->transform(kiln::UserPath);
  cmd->add_flag("--layers", o.layers,
                "with --dot: the model's layer graph (each layer call and what it reads) instead "
                "of the op graph")
      ->needs(dot);
  cmd->add_option("--html", o.html, "write one self-contained HTML page to this file")
      ->transform(kiln::UserPath);
  cmd->callback([&exit_code] {
    exit_code = RunReportingErrors("inspect", [] {
      RequireRegularFile(o.path);
      Inspection r = Inspect(o.path);
      if (o.json) {
        std::cout << ToJson(r).dump(2) << "\n";
      } else if (!o.graph && o.dot.empty() && o.html.empty()) {
        PrintText(r, std::cout);
      }
      if (o.layers) {
        if (!r.model) throw Error("cannot show the layer graph: " + r.unsupported);
        const std::string dot = ToDot(DrawingOf(*r.model), ModelName(r));
        WriteFileAtomically(o.dot, [&](const std::string& tmp) { WriteBytes(tmp, {dot}); });
      }
      if (o.graph || (!o.dot.empty() && !o.layers)) {
        Graphs g = LowerGraphs(r, o.training);
        if (o.graph) {
          std::cout << "== graph before passes (" << g.before.num_nodes() << " nodes) ==\n"
                    << g.before.ToString() << "\n== passes ==\n"
                    << g.report << "\n== graph after passes (" << g.after.num_nodes()
                    << " nodes) ==\n"
                    << g.after.ToString();
        }
        if (!o.dot.empty() && !o.layers) {
          const std::string dot = ToDot(DrawingOf(g.after), ModelName(r));
          WriteFileAtomically(o.dot, [&](const std::string& tmp) { WriteBytes(tmp, {dot}); });
        }
      }
      if (!o.html.empty()) WriteHtml(r, o.html);
      return kOk;
    });
  });
}

}  // namespace kiln::tools

// kiln diff A B [--tol T]: compares two model files weight by weight.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <utility>
#include <vector>

#include "io/user_path.h"
#include "keras/saving/model_file_info.h"
#include "tools/commands.h"
#include "tools/errors.h"

namespace kiln::tools {
namespace {

// A weight's name without the variable suffix tf.keras adds ("dense/kernel:0" -> "dense/kernel").
std::string WeightKey(const std::string& name) {
  const size_t colon = name.rfind(':');
  if (colon != std::string::npos && colon + 1 < name.size() &&
      name.find_first_not_of("0123456789", colon + 1) == std::string::npos)
    return name.substr(0, colon);
  return name;
}

}  // namespace

void AddDiffCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "diff", "Compare two model files weight by weight; exit 0 when equal within --tol");
  static std::string a_path, b_path;
  static double tol = 0;
  cmd->add_option("A", a_path, "first model file")->transform(kiln::UserPath)->required();
  cmd->add_option("B", b_path, "second model file")->transform(kiln::UserPath)->required();
  cmd->add_option("--tol", tol,
                  "largest absolute difference still counted as equal (default 0: bitwise)");
  cmd->callback([&exit_code] {
    exit_code = RunReportingErrors("diff", [] {
      RequireRegularFile(a_path);
      RequireRegularFile(b_path);
      const keras::saving::ModelFileInfo a = keras::saving::ReadModelFileInfo(a_path),
                                         b = keras::saving::ReadModelFileInfo(b_path);
      // Pairs by name, so that a .h5 and the .kiln exported from it (its variables in another
      // order, without the ":0" suffix) compare equal; files whose names differ (other layer
      // names) are compared by position, as Keras's load_weights matches them.
      std::vector<std::pair<const keras::saving::WeightInfo*, const keras::saving::WeightInfo*>>
          pairs;
      bool same = true;
      std::map<std::string, const keras::saving::WeightInfo*> b_by_name;
      for (const auto& w : b.weights) b_by_name.emplace(WeightKey(w.name), &w);
      bool by_name = b_by_name.size() == b.weights.size() && a.weights.size() == b.weights.size();
      for (const auto& w : a.weights) by_name = by_name && b_by_name.count(WeightKey(w.name));
      if (by_name) {
        for (const auto& w : a.weights) pairs.emplace_back(&w, b_by_name.at(WeightKey(w.name)));
      } else {
        if (a.weights.size() != b.weights.size()) {
          std::cout << "weight count differs: " << a.weights.size() << " vs " << b.weights.size()
                    << "\n";
          same = false;
        }
        if (!a.weights.empty() && !b.weights.empty())
          std::cout << "weight names differ: compared by position\n";
        for (size_t i = 0; i < std::min(a.weights.size(), b.weights.size()); ++i)
          pairs.emplace_back(&a.weights[i], &b.weights[i]);
      }
      std::printf("%-36s %-14s %14s %14s\n", "weight", "shape", "max abs diff", "max rel diff");
      for (const auto& [pa, pb] : pairs) {
        const auto& wa = *pa;
        const auto& wb = *pb;
        const std::string label =
            WeightKey(wa.name) == WeightKey(wb.name) ? wa.name : wa.name + " | " + wb.name;
        if (wa.value.shape() != wb.value.shape()) {
          std::printf("%-36s shape mismatch: %s vs %s\n", label.c_str(),
                      wa.value.shape().ToString().c_str(), wb.value.shape().ToString().c_str());
          same = false;
          continue;
        }
        const Tensor x = wa.value.astype(kFloat64), y = wb.value.astype(kFloat64);
        double abs_diff = 0, rel_diff = 0;
        for (int64_t k = 0; k < x.num_elements(); ++k) {
          const double p = x.data<double>()[k], q = y.data<double>()[k];
          const double d = (std::isnan(p) && std::isnan(q)) ? 0 : std::abs(p - q);
          if (std::isnan(d)) abs_diff = rel_diff = INFINITY;
          abs_diff = std::max(abs_diff, d);
          rel_diff = std::max(rel_diff, d / std::max({std::abs(p), std::abs(q), 1e-30}));
        }
        std::printf("%-36s %-14s %14.6g %14.6g%s\n", label.c_str(),
                    wa.value.shape().ToString().c_str(), abs_diff, rel_diff,
                    abs_diff > tol ? "  DIFFERENT" : "");
        if (abs_diff > tol) same = false;
      }
      std::cout << (same ? "equal" : "different") << " (tolerance " << tol << ")\n";
      return same ? kOk : kDifferent;
    });
  });
}

}  // namespace kiln::tools

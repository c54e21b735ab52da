// The fixed optimizer pipeline run on every graph an executor plans:
// DCE -> CSE -> constant folding -> arithmetic simplification -> fusions -> DCE.
//
//   std::ostringstream report;
//   kiln::passes::RunDefaultPipeline(graph, {.keep = fetched_nodes}, &report);
#pragma once

#include <ostream>

#include "passes/pass.h"

namespace kiln::passes {

PassManager DefaultPipeline();
bool RunDefaultPipeline(Graph& graph, const PassOptions& options, std::ostream* report = nullptr);

}  // namespace kiln::passes

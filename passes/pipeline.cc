#include "passes/pipeline.h"

namespace kiln::passes {

PassManager DefaultPipeline() {
  PassManager pm;
  pm.Add(DeadCodeElimination());
  pm.Add(CommonSubexpressionElimination());
  pm.Add(ConstantFolding());
  pm.Add(ArithmeticSimplification());
  pm.Add(CommonSubexpressionElimination());
  pm.Add(FuseMatMulBiasActivation());
  pm.Add(FuseActivationBiasGrad());
  pm.Add(DeadCodeElimination());
  return pm;
}

bool RunDefaultPipeline(Graph& graph, const PassOptions& options, std::ostream* report) {
  return DefaultPipeline().Run(graph, options, report);
}

}  // namespace kiln::passes

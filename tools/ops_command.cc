// kiln ops: the registered ops with their kernels (device, dtype) and gradients, generated from
// the registries so that it cannot drift from the code.
#include <iomanip>
#include <map>
#include <set>

#include "graph/op_def.h"
#include "kernels/kernel_registry.h"
#include "tools/commands.h"

namespace kiln::tools {

void AddOpsCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "ops", "List the registered ops: kernels by device and dtype, and gradients");
  static bool markdown = false;
  cmd->add_flag("--markdown", markdown, "print a Markdown table");
  cmd->callback([&exit_code] {
    std::map<std::string, std::map<std::string, std::set<std::string>>>
        kernels;  // op -> device -> dtypes
    for (const KernelDef* k : KernelRegistry::Global().All())
      kernels[k->op][k->device].insert(std::string(DTypeName(k->dtype)));
    const auto ops = OpRegistry::Global().All();
    if (markdown) std::cout << "| op | version | kernels | gradient |\n|---|---|---|---|\n";
    for (const OpDef* def : ops) {
      std::string ks;
      for (const auto& [device, dtypes] : kernels[def->name]) {
        ks += (ks.empty() ? "" : "; ") + device + ":";
        for (const auto& t : dtypes) ks += " " + t;
      }
      const std::string grad =
          def->differentiable() ? "yes" : "no (" + def->not_differentiable + ")";
      if (markdown)
        std::cout << "| " << def->name << " | " << def->version << " | " << ks << " | " << grad
                  << " |\n";
      else
        std::cout << std::left << std::setw(22) << def->name << " v" << def->version << "  "
                  << std::setw(44) << ks << " gradient: " << grad << "\n";
    }
    std::cout << ops.size() << " ops, " << KernelRegistry::Global().All().size() << " kernels\n";
    exit_code = kOk;
  });
}

}  // namespace kiln::tools

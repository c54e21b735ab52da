// Weight constraints (keras.constraints), applied after every optimizer update as Keras applies
// them.
//
//   layers::Dense(64, {.kernel_constraint = constraints::MaxNorm(3.0)})
//
// Contract: a constraint is the JSON Keras writes in a layer config: a name ("max_norm",
// "non_neg", "unit_norm", "min_max_norm", with Keras's defaults) or {"class_name": "MaxNorm" |
// "NonNeg" | "UnitNorm" | "MinMaxNorm", "config": {...}}; null is none. The projections are
// Keras 3's (norms over `axis`, default 0, eps 1e-7): MaxNorm w * clip(n, 0, max) / (eps + n),
// NonNeg max(w, 0), UnitNorm w / (eps + n), MinMaxNorm w * (rate clip(n, min, max) + (1 - rate)
// n) / (eps + n). A constrained weight is updated with the optimizer's composed (unfused) ops.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "graph/graph_builder.h"

namespace kiln::keras::constraints {

nlohmann::json MaxNorm(double max_value = 2.0, int64_t axis = 0);
nlohmann::json NonNeg();
nlohmann::json UnitNorm(int64_t axis = 0);
nlohmann::json MinMaxNorm(double min_value = 0.0, double max_value = 1.0, double rate = 1.0,
                          int64_t axis = 0);

// Throws kiln::ValueError naming `where` for a constraint Kiln does not apply.
void Check(const nlohmann::json& constraint, const std::string& where);
// The projected value of `w` (w itself for null).
ValueRef Apply(GraphBuilder& b, const nlohmann::json& constraint, ValueRef w,
               const std::string& where);

}  // namespace kiln::keras::constraints

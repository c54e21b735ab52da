// Weight and activity regularizers (keras.regularizers), added to the training loss as Keras adds
// them, and shown in the progress bar's loss.
//
//   layers::Dense(64, {.kernel_regularizer = regularizers::L2(1e-4)})
//   layers::Dense(64, {.kernel_regularizer = "l2"})            // Keras's default factor 0.01
//
// Contract: a regularizer is the JSON Keras writes in a layer config: a name ("l1", "l2",
// "l1_l2", "orthogonal_regularizer") or {"class_name": "L1" | "L2" | "L1L2" |
// "OrthogonalRegularizer", "config": {...}} in tf.keras's or Keras 3's form; null is none. The
// penalties are Keras 3's: l1 * sum(|x|) + l2 * sum(x^2), and for OrthogonalRegularizer factor *
// mean over pairs of rows (mode "rows") or columns of |cosine similarity|. A weight regularizer
// counts once per step however often its layer is called; an activity regularizer applies to
// each output of each call, divided by the batch size (as both Kerases do).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "graph/graph_builder.h"

namespace kiln::keras::regularizers {

nlohmann::json L1(double l1 = 0.01);
nlohmann::json L2(double l2 = 0.01);
nlohmann::json L1L2(double l1 = 0.0, double l2 = 0.0);
nlohmann::json OrthogonalRegularizer(double factor = 0.01, const std::string& mode = "rows");

// Throws kiln::ValueError naming `where` ("Dense 'd': kernel_regularizer") for a regularizer
// Kiln does not apply.
void Check(const nlohmann::json& regularizer, const std::string& where);
// The scalar penalty of `x` (an invalid ref for null). per_example: divided by x's batch size
// (its first dimension), as activity penalties are; OrthogonalRegularizer has no such form here.
ValueRef Lower(GraphBuilder& b, const nlohmann::json& regularizer, ValueRef x,
               const std::string& where, bool per_example = false);

}  // namespace kiln::keras::regularizers

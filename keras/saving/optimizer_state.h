// Optimizer state in Keras files, both ways, in the exact layout of each Keras generation. Keras
// restores it by position (optimizer.set_weights in the .h5 loaders, optimizer/vars/<i> in
// .keras), so the order is what matters:
//
//   kKeras2 (tf.keras optimizer_v2)  "SGD/iter:0", then slot by slot, each over every variable:
//                                    "Adam/dense/kernel/m:0", ..., "Adam/dense/kernel/v:0", ...
//                                    (standalone Keras 2.3.1 saves the same order, plus one (1,)
//                                    "vhat" per variable for Adam, which is ignored on reading)
//   kTfKeras (tf.keras 2.11+)        "iteration:0", then variable by variable, each with its
//                                    slots: "Adam/m/dense/kernel:0", "Adam/v/dense/kernel:0", ...
//   kKeras3                          "adam/iteration", "adam/learning_rate", then variable by
//                                    variable: "adam/sequential_dense_kernel_momentum", ...
//
//   auto state = OptimizerState(model, OptimizerGeneration::kTfKeras);   // (name, value) pairs
//   std::string warning = RestoreOptimizerState(model, generation, values);
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "keras/model.h"

namespace kiln::keras::saving {

// The generation that wrote a legacy .h5's optimizer: Keras 3 for a keras_version 3.x; tf.keras
// 2.11+ when the optimizer config says "is_legacy_optimizer": false; otherwise Keras 2 (tf.keras
// itself builds an optimizer_v2 for a config without that key).
OptimizerGeneration GenerationOf(const std::string& keras_version,
                                 const nlohmann::json& optimizer_config);
// The generation a file for `target` writes `optimizer` in (see KerasTarget).
OptimizerGeneration GenerationFor(const Optimizer& optimizer, KerasTarget target);
// The keras_version a file for `target` declares.
std::string KerasVersionFor(KerasTarget target);

// The compiled model's optimizer state in generation `g`'s order, with its names.
std::vector<std::pair<std::string, Tensor>> OptimizerState(Model& model, OptimizerGeneration g);
// Sets the compiled model's optimizer state from `values` in generation `g`'s order. When they do
// not fit, changes nothing and returns a warning naming the first entry that does not ("" when
// restored). As Keras's loaders do, tf.keras 2.11+ and Keras 3 layouts may stop early (an
// optimizer saved before its first step has only its step count).
std::string RestoreOptimizerState(Model& model, OptimizerGeneration g,
                                  const std::vector<Tensor>& values);

}  // namespace kiln::keras::saving

// Keras model_config and training_config JSON, both ways.
//
//   nlohmann::json cfg = kiln::keras::ModelConfig(model);        // tf.keras dict form
//   std::unique_ptr<Model> m = kiln::keras::ModelFromConfig(cfg);
//
// Reading accepts list-form and dict-form Sequential configs and functional (Model/Functional)
// configs, Keras 2's inbound_nodes lists and Keras 3's args/keras_history; batch_input_shape or
// batch_shape; dtype as a string or a DTypePolicy dict; initializers with or without "module".
// Anything else throws one kiln::Error that lists every unsupported layer and option.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "keras/model.h"

namespace kiln::keras {

// {"class_name": "Sequential", "config": {"name", "layers": [InputLayer, ...]}}, as tf.keras 2.x,
// or a functional model's config in tf.keras 2.x's list form, which Keras 3 reads too; `target`
// only changes how calls of a nested model are counted (each Keras counts them its own way).
nlohmann::json ModelConfig(Model& model, KerasTarget target = KerasTarget::kTfKeras2);
// The training_config of a compiled model, with its optimizer in generation `generation`'s form
// (plain class names such as "SGD"; Keras 3's extra compile fields for kKeras3). Metrics are saved
// as Kiln resolved them wherever Keras's loaders would resolve the name differently
// (metrics::Saved).
nlohmann::json TrainingConfig(const Model& model, OptimizerGeneration generation);
// A Sequential or functional model (nested models, shared layers, several inputs and outputs),
// in tf.keras 2.x's or Keras 3's form. Throws one kiln::Error listing everything it cannot build.
std::unique_ptr<Model> ModelFromConfig(const nlohmann::json& model_config);
// A Keras 3 compile_config (config.json of a .keras archive: {"optimizer": <serialized optimizer or
// name>, "loss", "metrics", ...}) in the training_config form that CompileFromTrainingConfig and
// the inspector read ({"optimizer_config": {"class_name", "config"}, "loss", "metrics", ...}).
// Losses and metrics serialized as Keras objects become their names where Kiln has the same
// function
// ({"class_name": "MeanSquaredError"} with default arguments -> "mean_squared_error"); others stay
// as they are, and CompileFromTrainingConfig then declines them. Null for an empty or absent
// compile_config (an uncompiled model).
nlohmann::json TrainingConfigFromCompileConfig(const nlohmann::json& compile_config);
// Compiles `model` as the training_config says, its optimizer following `rules` (those of the
// Keras that wrote the file); returns a warning (empty when none) for a config Kiln cannot follow,
// in which case the model stays uncompiled, as Keras does.
std::string CompileFromTrainingConfig(Model& model, const nlohmann::json& training_config,
                                      UpdateRules rules = UpdateRules::kKeras3);

}  // namespace kiln::keras

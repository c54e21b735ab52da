// Metrics by Keras name, lowered into the graph as the batch mean.
//
//   model.compile({..., .metrics = {"accuracy"}});
//
// "accuracy" / "acc" resolve as Keras 2.3.1 resolves them: binary_accuracy when the output has one
// unit or the loss is binary_crossentropy, sparse_categorical_accuracy for the sparse loss, else
// categorical_accuracy. Also: binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
// mse / mean_squared_error, mae / mean_absolute_error. The display name is the one the user wrote.
#pragma once

#include <string>

#include "graph/graph_builder.h"

// `loss` is the output's loss as Keras's function name (losses::Loss::function()).
namespace kiln::keras::metrics {

// The concrete metric ("accuracy" -> "categorical_accuracy"); throws kiln::NotFoundError.
std::string Resolve(const std::string& metric, const std::string& loss, const Shape& output_shape);
ValueRef Lower(GraphBuilder& b, const std::string& metric, const std::string& loss, ValueRef y_true,
               ValueRef y_pred);
// The name to save in a Keras file so that Keras computes what Kiln computes. tf.keras's .h5
// loader resolves "accuracy" from the model's outputs alone (it builds the metrics with the
// outputs standing in for the targets: binary_accuracy for one unit, else categorical_accuracy),
// so where Kiln resolves it otherwise (the sparse loss; binary_crossentropy on several units) the
// concrete name is saved; everything else keeps the name the user wrote.
std::string SavedName(const std::string& metric, const std::string& loss,
                      const Shape& output_shape);

}  // namespace kiln::keras::metrics

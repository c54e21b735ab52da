// Losses by Keras name, lowered into the graph as the batch mean of the per-example loss.
//
//   model.compile({.optimizer = optimizers::SGD({.lr = 0.1}), .loss =
//   losses::categorical_crossentropy}); model.compile({.loss = "mse"});
//
// Numerics follow Keras (epsilon 1e-7). When the model's output comes straight from a Softmax
// (categorical losses) or Sigmoid (binary), the loss is computed from the logits with the fused
// SoftmaxCrossEntropy / SigmoidCrossEntropy ops, as tf.keras does in graph mode; otherwise Keras's
// clipped formulas are used.
#pragma once

#include <string>

#include "graph/graph_builder.h"

namespace kiln::keras::losses {

inline const std::string mean_squared_error = "mean_squared_error";
inline const std::string mse = "mse";
inline const std::string mean_absolute_error = "mean_absolute_error";
inline const std::string mae = "mae";
inline const std::string binary_crossentropy = "binary_crossentropy";
inline const std::string categorical_crossentropy = "categorical_crossentropy";
inline const std::string sparse_categorical_crossentropy = "sparse_categorical_crossentropy";

inline constexpr double kEpsilon = 1e-7;

// The canonical name ("mse" -> "mean_squared_error"); throws kiln::NotFoundError listing the
// known losses.
std::string Canonical(const std::string& name);
// The shape of the target placeholder for a model output of `output_shape`.
Shape TargetShape(const std::string& loss, const Shape& output_shape);
// The scalar loss: mean over the batch of the per-example loss.
ValueRef Lower(GraphBuilder& b, const std::string& loss, ValueRef y_true, ValueRef y_pred);

}  // namespace kiln::keras::losses

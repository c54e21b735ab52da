// Losses: Keras's loss functions by name, its loss classes with their arguments, and custom
// losses written over the graph builder, lowered into the graph as one scalar per output.
//
//   model.compile({.loss = "huber"});                        // a Keras function name, or alias
//   model.compile({.loss = losses::CategoricalCrossentropy(
//                      {.from_logits = true, .label_smoothing = 0.1})});
//   model.compile({.loss = losses::Loss::FromConfig(         // what a Keras file stores
//                      {{"class_name", "Huber"}, {"config", {{"delta", 0.5}}}})});
//   losses::Register("scaled_l1", [](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
//     return b.Op("ReduceMean", {b.Op("Abs", {b.Op("Sub", {y_pred, y_true})})}, {{"axes", {-1}}});
//   });
//   model.compile({.loss = "scaled_l1"});   // saved by name; load_model finds it by that name
//
// Contract: a loss computes Keras 3's formula (keras/src/losses/losses.py; epsilon 1e-7), except
// binary crossentropy from probabilities, which keeps tf.keras's log(p + eps) (the focal form
// too; Keras 3 takes log(p), which differs near p = 0 or 1); the
// per-example loss reduces the last axis (the class or feature axis; other axes are refused),
// and the reduction averages it over every remaining element ("sum_over_batch_size", Keras's
// default, also "auto" and "mean") or adds them up ("sum"). Where y_pred comes straight out of a
// Softmax (categorical losses) or Sigmoid (binary) and from_logits is false, the loss is computed
// from the logits with the fused SoftmaxCrossEntropy / SigmoidCrossEntropy ops, as tf.keras does
// in graph mode. Unknown names throw kiln::NotFoundError listing the known ones; an argument Kiln
// does not follow, kiln::ValueError naming the loss and the argument.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "graph/graph_builder.h"

namespace kiln::keras::losses {

// The per-example loss, as Keras's loss functions compute it: y_true and y_pred of the output's
// shape ([batch, ..., features]) to one value per example (the last axis reduced). Sparse losses
// get y_true as class ids without the last axis.
using LossFn = std::function<ValueRef(GraphBuilder& b, ValueRef y_true, ValueRef y_pred)>;

class Loss {
 public:
  Loss() = default;
  // A Keras function name or alias ("mse", "kld", "huber") or class name ("Huber"), with Keras's
  // defaults, or a name given to Register().
  Loss(const char* name);         // NOLINT
  Loss(const std::string& name);  // NOLINT
  // A custom loss under `name` (saved by that name; Register() it to load such files).
  Loss(std::string name, LossFn per_example);
  // A Keras-serialized loss: a name, {"class_name": "Huber", "config": {...}} (tf.keras and
  // Keras 3), or Keras 3's {"class_name": "function", "config": "mean_squared_error"}.
  static Loss FromConfig(const nlohmann::json& config);

  bool empty() const { return function_.empty(); }
  const std::string& name() const { return given_; }         // as given: "mse", "Huber"
  const std::string& function() const { return function_; }  // Keras's function name
  // The class form's arguments (from_logits, delta, reduction, ...); empty for a plain name.
  const nlohmann::json& arguments() const { return arguments_; }
  bool is_class_form() const { return !class_name_.empty(); }

  // The target placeholder's shape for a model output of `output_shape`.
  Shape TargetShape(const Shape& output_shape) const;
  // The scalar loss. With `sample_weight` ([batch], one weight per example), each example's loss
  // is scaled by its weight before the reduction, which still divides by the element count
  // (Keras's sum_over_batch_size: weights 2 and 0 give the unweighted mean, not twice it).
  ValueRef Lower(GraphBuilder& b, ValueRef y_true, ValueRef y_pred,
                 ValueRef sample_weight = {}) const;
  // The loss of each example (the last axis reduced), before the reduction.
  ValueRef PerExample(GraphBuilder& b, ValueRef y_true, ValueRef y_pred) const;
  // What a training_config stores: the name as given (Keras 3: the function name, since Keras
  // 3.15's .h5 loader does not know "mse"), or the class form with its config.
  nlohmann::json Saved(bool keras3) const;

 private:
  std::string given_, function_, class_name_;
  nlohmann::json arguments_ = nlohmann::json::object();
  std::shared_ptr<const LossFn> per_example_;  // shared: a Loss is copied into every output
  bool sum_ = false;                           // reduction "sum"
};

// Makes `name` a loss name (for compile and for loading files that name it); a custom object in
// Keras's sense. Throws kiln::ValueError when the name is a built-in one.
void Register(const std::string& name, LossFn per_example);

// The Keras function names, aliases included.
std::vector<std::string> KnownNames();

inline const std::string mean_squared_error = "mean_squared_error";
inline const std::string mse = "mse";
inline const std::string mean_absolute_error = "mean_absolute_error";
inline const std::string mae = "mae";
inline const std::string binary_crossentropy = "binary_crossentropy";
inline const std::string categorical_crossentropy = "categorical_crossentropy";
inline const std::string sparse_categorical_crossentropy = "sparse_categorical_crossentropy";

inline constexpr double kEpsilon = 1e-7;

// The class forms most often configured; any other class goes through Loss::FromConfig.
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct CrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;
  std::string reduction = "sum_over_batch_size";
};
Loss BinaryCrossentropy(CrossentropyOptions o = {});
Loss CategoricalCrossentropy(CrossentropyOptions o = {});
// label_smoothing must stay 0 (Keras has none for the sparse loss).
Loss SparseCategoricalCrossentropy(CrossentropyOptions o = {});
Loss Huber(double delta = 1.0, std::string reduction = "sum_over_batch_size");

// Helpers shared by the loss families (keras/losses/*.cc).
namespace detail {
// A loss family's entry: Keras's function name, its aliases, its class name, the class's own
// arguments with their defaults, and the per-example loss for given arguments.
struct LossDef {
  std::string function;
  std::vector<std::string> aliases;
  std::string class_name;
  nlohmann::json defaults = nlohmann::json::object();
  std::function<LossFn(const nlohmann::json& arguments)> make;
  bool sparse = false;  // y_true holds class ids
};
void RegisterBuiltin(LossDef def);
struct BuiltinRegistrar {
  explicit BuiltinRegistrar(LossDef def) { RegisterBuiltin(std::move(def)); }
};
ValueRef MeanLastAxis(GraphBuilder& b, ValueRef x);
ValueRef SumLastAxis(GraphBuilder& b, ValueRef x, bool keep_dims = false);
// The producer's input when y_pred comes straight out of `op` (reducing the last axis), else an
// invalid ref.
ValueRef LogitsIfProducedBy(GraphBuilder& b, ValueRef y_pred, const std::string& op);
}  // namespace detail

}  // namespace kiln::keras::losses

#define KILN_REGISTER_LOSS(id, ...) \
  static const ::kiln::keras::losses::detail::BuiltinRegistrar kiln_loss_##id({__VA_ARGS__})

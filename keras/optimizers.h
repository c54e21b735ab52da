// Optimizers. They add their update ops to the training graph once, at compile time; each training
// step then runs those ops in place on the weights.
//
//   model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1, .momentum = 0.9,
//                                                .nesterov = true}), ...});
//   optimizers::SGD({.lr = 0.1})      // Keras's old spelling, as in the tutorial
//
// SGD follows Keras 2.3.1: v = momentum*v - lr*g; p += v (Nesterov: p += momentum*v - lr*g);
// plain p -= lr*g when momentum is 0.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "graph/graph_builder.h"
#include "graph/variable_store.h"

namespace kiln::keras {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string class_name() const = 0;
  virtual nlohmann::json get_config() const = 0;
  // Adds the update ops for `params` (Variable values) given their gradients; creates slot
  // variables in `store`. Returns the update nodes, which a training step must run.
  virtual std::vector<int> Lower(GraphBuilder& b, std::span<const ValueRef> params,
                                 std::span<const ValueRef> grads, VariableStore& store) = 0;
  // Slot variables by name ("<Optimizer>/<slot>/<variable>", e.g. "SGD/velocity/dense/kernel"), in
  // creation order.
  const std::vector<std::pair<std::string, Tensor>>& slots() const { return slots_; }
  // Training steps taken (Keras's `iterations`).
  int64_t iterations = 0;

 protected:
  // A zero-initialised slot variable "<slot>/<variable>" under the optimizer's scope (shaped like
  // the variable unless `shape` says otherwise), registered in `store` and kept across compiles.
  ValueRef Slot(GraphBuilder& b, const std::string& slot, ValueRef param, VariableStore& store,
                std::optional<Shape> shape = std::nullopt);
  std::vector<std::pair<std::string, Tensor>> slots_;
};

namespace optimizers {

struct SGDOptions {
  double learning_rate = 0.01;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double momentum = 0.0;
  bool nesterov = false;
};

class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions options = {});
  std::string class_name() const override { return "SGD"; }
  nlohmann::json get_config() const override;
  std::vector<int> Lower(GraphBuilder& b, std::span<const ValueRef> params,
                         std::span<const ValueRef> grads, VariableStore& store) override;
  double learning_rate() const { return learning_rate_; }
  double momentum() const { return momentum_; }
  bool nesterov() const { return nesterov_; }

 private:
  double learning_rate_, momentum_;
  bool nesterov_;
};

struct RMSpropOptions {
  double learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;
  double rho = 0.9;
  double epsilon = 1e-7;
};

// Keras 2.3.1 RMSprop: a = rho*a + (1-rho)*g^2; p -= lr*g/(sqrt(a)+epsilon).
class RMSprop : public Optimizer {
 public:
  explicit RMSprop(RMSpropOptions options = {});
  std::string class_name() const override { return "RMSprop"; }
  nlohmann::json get_config() const override;
  std::vector<int> Lower(GraphBuilder& b, std::span<const ValueRef> params,
                         std::span<const ValueRef> grads, VariableStore& store) override;

 private:
  RMSpropOptions o_;
};

struct AdamOptions {
  double learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
};

// Keras 2.3.1 Adam: lr_t = lr*sqrt(1-beta_2^t)/(1-beta_1^t); m, v moving moments;
// p -= lr_t*m/(sqrt(v)+epsilon).
class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions options = {});
  std::string class_name() const override { return "Adam"; }
  nlohmann::json get_config() const override;
  std::vector<int> Lower(GraphBuilder& b, std::span<const ValueRef> params,
                         std::span<const ValueRef> grads, VariableStore& store) override;

 private:
  AdamOptions o_;
};

}  // namespace optimizers

// Any optimizer, or one by name with its defaults ("sgd", "rmsprop", "adam").
class OptimizerRef {
 public:
  template <typename O, typename = std::enable_if_t<std::is_base_of_v<Optimizer, O>>>
  OptimizerRef(O o) : ptr_(std::make_shared<O>(std::move(o))) {}         // NOLINT
  OptimizerRef(const char* name);                                        // NOLINT
  OptimizerRef(const std::string& name) : OptimizerRef(name.c_str()) {}  // NOLINT
  OptimizerRef(std::shared_ptr<Optimizer> p) : ptr_(std::move(p)) {}     // NOLINT
  Optimizer* operator->() const { return ptr_.get(); }
  Optimizer& operator*() const { return *ptr_; }
  const std::shared_ptr<Optimizer>& get() const { return ptr_; }

 private:
  std::shared_ptr<Optimizer> ptr_;
};

}  // namespace kiln::keras

// The optimizer base class. It adds the update ops to the training graph once, at compile time;
// each training step then runs those ops in place on the weights. The base owns what every
// optimizer shares (the scope, the per-variable loop, slot variables kept across compiles, the
// step count); each optimizer says only which slots a variable gets and which op updates it.
//
//   class MyOptimizer : public Optimizer {
//     std::vector<std::string> slot_names() const override { return {"momentum"}; }
//     int EmitUpdate(GraphBuilder& b, const UpdateArgs& a) override { ... return node id; }
//   };
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
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
  std::vector<int> Lower(GraphBuilder& b, std::span<const ValueRef> params,
                         std::span<const ValueRef> grads, VariableStore& store);
  // The slots each variable gets, in creation order ("momentum", "velocity").
  virtual std::vector<std::string> slot_names() const = 0;
  // Slot variables by name ("<Optimizer>/<slot>/<variable>", e.g. "SGD/velocity/dense/kernel"), in
  // creation order: for each variable, its slots in slot_names() order.
  const std::vector<std::pair<std::string, Tensor>>& slots() const { return slots_; }
  // Training steps taken (Keras's `iterations`).
  int64_t iterations = 0;

 protected:
  // What one variable's update reads: the variable, its gradient and its slots (in slot_names()
  // order), all values of the training graph.
  struct UpdateArgs {
    ValueRef var, grad;
    std::vector<ValueRef> slots;
  };
  // Called once per Lower, inside the optimizer's scope, before the updates: the place for the
  // constants every update shares (the learning rate).
  virtual void Prepare(GraphBuilder& b) = 0;
  // Emits the op that updates one variable (inside the optimizer's scope, named "update");
  // returns its node id.
  virtual int EmitUpdate(GraphBuilder& b, const UpdateArgs& a) = 0;
  // A slot's shape: the variable's unless an optimizer keeps a per-variable scalar.
  virtual Shape SlotShape(const std::string& slot, const Shape& var) const { return var; }

 private:
  // A zero-initialised slot variable "<slot>/<variable>" under the optimizer's scope, shaped like
  // the variable, registered in `store` and kept across compiles.
  ValueRef Slot(GraphBuilder& b, const std::string& slot, ValueRef param, VariableStore& store);
  std::vector<std::pair<std::string, Tensor>> slots_;
};

// Any optimizer, or one by Keras name with its defaults ("sgd", "RMSprop", "adam": the registry's
// class names, in any case).
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

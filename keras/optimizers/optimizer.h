// The optimizer base class. It adds the update ops to the training graph once, at compile time;
// each training step then runs those ops in place on the weights. The base owns what every
// optimizer shares (the scope, the learning rate and step count as graph variables, schedules
// and Keras 2's decay, gradient clipping, weight decay, the per-variable loop, slot variables kept
// across compiles, the step count's increment); each optimizer says only which slots a variable
// gets and how one variable's new state is computed from its old state and gradient.
//
//   class MyOptimizer : public Optimizer {
//     MyOptimizer() : Optimizer({.learning_rate = 0.01}, UpdateRules::kKeras3) {}
//     std::vector<std::string> slot_names() const override { return {"momentum"}; }
//     std::vector<SavedSlot> saved_slots(OptimizerGeneration) const override { ... }
//     NewState Compose(GraphBuilder& b, const UpdateArgs& a) override { ... }
//   };
//
// Compose writes the update as ops (Keras's update_step, op for op, so float32 rounding matches);
// the base assigns the new values after every read of the old ones. An optimizer may also give a
// fused in-place op for its common case (EmitFused), which the base uses when no weight decay
// must change the variable first.
//
// Keras's optimizers come in generations that differ in their arithmetic and in how they save
// their state; UpdateRules says whose arithmetic an optimizer follows, OptimizerGeneration names
// the implementations whose files Kiln reads and writes.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "graph/graph_builder.h"
#include "graph/variable_store.h"
#include "keras/optimizers/schedules/learning_rate_schedule.h"

namespace kiln::keras {

// The Keras optimizer implementations.
enum class OptimizerGeneration {
  kKeras2,   // standalone Keras 2.x, and tf.keras's optimizer_v2 (TF 2.0-2.10; later
             // tf.keras.optimizers.legacy, used for configs without "is_legacy_optimizer")
  kTfKeras,  // tf.keras 2.11+'s optimizers ("is_legacy_optimizer": false)
  kKeras3,   // Keras 3
};

// Whose arithmetic an optimizer follows. The two rule sets differ in RMSprop's epsilon (inside or
// outside the square root) and in how RMSprop's and Adam's 1 - rho, 1 - beta are rounded.
enum class UpdateRules {
  kKeras3,  // Keras 3 and tf.keras 2.11+: the current Keras, Kiln's default
  kKeras2,  // standalone Keras 2.x and tf.keras's optimizer_v2
};
UpdateRules RulesOf(OptimizerGeneration g);

// The options every optimizer takes after its own, in Keras's order and with Keras's names; each
// optimizer's options struct ends with them. Clipping applies to the gradients (clipnorm to each
// gradient's own norm, global_clipnorm to all of them together, clipvalue elementwise; the first
// set of these three wins, as in Keras); weight_decay subtracts var*weight_decay*lr before the
// update; use_ema keeps Keras 3's exponential moving average of each trained weight (an
// "average" slot: avg = m * avg + (1 - m) * var after every update, m = ema_momentum but 0 at
// the first step), copied into the weights every ema_overwrite_frequency steps and when fit ends
// (finalize_variable_values); decay is Keras 2's lr / (1 + decay*iterations) (tf.keras's legacy
// optimizers).
#define KILN_OPTIMIZER_COMMON_OPTIONS                            \
  std::optional<double> weight_decay = std::nullopt;             \
  std::optional<double> clipnorm = std::nullopt;                 \
  std::optional<double> clipvalue = std::nullopt;                \
  std::optional<double> global_clipnorm = std::nullopt;          \
  bool use_ema = false;                                          \
  double ema_momentum = 0.99;                                    \
  std::optional<int64_t> ema_overwrite_frequency = std::nullopt; \
  double decay = 0.0

// What the base keeps of an optimizer's options.
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct CommonOptions {
  optimizers::LearningRate learning_rate = 0.001;
  std::optional<double> weight_decay = std::nullopt, clipnorm = std::nullopt,
                        clipvalue = std::nullopt, global_clipnorm = std::nullopt;
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency = std::nullopt;
  double decay = 0.0;
};
// From any optimizer's options struct (its learning_rate, lr alias and the common options).
template <typename O>
CommonOptions CommonOf(const O& o) {
  return {.learning_rate = o.lr ? optimizers::LearningRate(*o.lr) : o.learning_rate,
          .weight_decay = o.weight_decay,
          .clipnorm = o.clipnorm,
          .clipvalue = o.clipvalue,
          .global_clipnorm = o.global_clipnorm,
          .use_ema = o.use_ema,
          .ema_momentum = o.ema_momentum,
          .ema_overwrite_frequency = o.ema_overwrite_frequency,
          .decay = o.decay};
}

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // A copy has its own state: tensors are shared handles, and two models compiled with copies of
  // one optimizer object must not count each other's steps.
  Optimizer(const Optimizer& other);
  Optimizer& operator=(const Optimizer&) = delete;
  virtual std::string class_name() const = 0;
  // The Keras object name ("adam_1"), kept from a loaded config; empty for Keras's default (the
  // class name in tf.keras, its snake case in Keras 3).
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  // name(), or the default generation `g` gives an optimizer of this class.
  std::string keras_name(OptimizerGeneration g) const;
  // The optimizer's own hyper-parameters by Keras name (learning_rate, momentum, ...);
  // keras_config adds each generation's common fields.
  virtual nlohmann::json get_config() const = 0;
  // {"class_name", "config"} as generation `g` writes it: tf.keras 2.4-2.10's config with "decay"
  // for kKeras2, "is_legacy_optimizer": false and the new common fields for kTfKeras, Keras 3's
  // fields and snake-case name for kKeras3. Floats Keras keeps in float32 variables are written
  // rounded: all of them for kKeras2, the learning rate for the others.
  nlohmann::json keras_config(OptimizerGeneration g) const;

  // Adds the update ops for `params` (Variable values) given their gradients, and the step
  // count's increment; creates the learning rate, step count and slot variables in `store`.
  // Returns the update nodes, which a training step must run.
  // constraints: empty, or one per param (an empty function for none), applied to each updated
  // value before it is assigned (Keras's variable constraints); a constrained param is updated
  // with Compose's ops.
  using Constraint = std::function<ValueRef(GraphBuilder& b, ValueRef updated)>;
  std::vector<int> Lower(GraphBuilder& b, std::span<const ValueRef> params,
                         std::span<const ValueRef> grads, VariableStore& store,
                         std::span<const Constraint> constraints = {});

  // The slots each variable gets, in the order Keras 3 creates them ("momentum", "velocity").
  virtual std::vector<std::string> slot_names() const = 0;
  // One kind of per-variable state in a generation's saved layout: Kiln's slot (one of
  // slot_names(), or empty where Kiln keeps nothing, such as tf.keras's SGD "m" without momentum)
  // and that generation's name for it ("m", "rms", "momentum"). Slots of one group are saved
  // variable by variable (m, v of the first variable, then of the second); groups follow each
  // other, as Keras creates them (Adam's "velocity_hat" after all m and v).
  struct SavedSlot {
    std::string slot, keras_name;
    int group = 0;
  };
  virtual std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const = 0;
  // Slot variables by name ("<Optimizer>/<slot>/<variable>", e.g. "SGD/momentum/dense/kernel"),
  // in creation order: for each variable, its slots in slot_names() order.
  const std::vector<std::pair<std::string, Tensor>>& slots() const { return slots_; }
  // The value a slot starts at (Adagrad's initial_accumulator_value); 0 for most.
  virtual double slot_initial_value(const std::string& slot) const { return 0.0; }
  // State shared by all variables (Nadam's "u_product"), by name, in creation order; Keras 3
  // saves it after the slots.
  const std::vector<std::pair<std::string, Tensor>>& shared_state() const { return shared_; }
  // Called after a file's state was restored; `shared_restored` says whether the file held the
  // shared state (tf.keras's files do not), so an optimizer can rebuild it from iterations().
  virtual void StateRestored(bool shared_restored) {}
  // The slot of variable `variable` ("dense/kernel"); nullptr when the optimizer has none.
  Tensor* FindSlot(const std::string& slot, const std::string& variable);

  UpdateRules rules() const { return rules_; }
  // Whether the optimizer does what tf.keras's optimizer_v2 does, so that a tf.keras file written
  // in that generation's form (which every tf.keras 2.x and Keras 3 can load) continues exactly
  // in tf.keras. True for Keras 2 rules, and for optimizers whose arithmetic is the same in
  // every generation.
  virtual bool follows_optimizer_v2() const { return rules_ == UpdateRules::kKeras2; }

  // Training steps taken (Keras's `iterations`), counted by the training step itself.
  int64_t iterations() const { return iterations_.item<int64_t>(); }
  void set_iterations(int64_t n) { *iterations_.data<int64_t>() = n; }
  // The learning rate: the constant one, or the schedule's at the current step.
  double learning_rate() const;
  // Also sets the value the compiled training step reads (a float32 variable, as in Keras).
  // Throws kiln::TypeError when the rate is a schedule (as Keras does).
  void set_learning_rate(double lr);
  const std::shared_ptr<const optimizers::schedules::LearningRateSchedule>& schedule() const {
    return schedule_;
  }
  // Keras 2's time decay; 0 when off.
  double decay() const { return decay_; }
  bool use_ema() const { return use_ema_; }
  // tf.keras 2.11+'s EMA starts differently from Keras 3's: the averages start at the weights'
  // values (taken at the first step) and the momentum applies from the first step on.
  // OptimizerFromConfig sets it for configs tf.keras wrote, so their models go on as in tf.keras.
  void set_tf_keras_ema(bool on) { tf_keras_ema_ = on; }
  // Keras's finalize_variable_values: with use_ema, copies each average into its weight (what
  // fit does when it ends). Nothing otherwise, or before the first compile.
  void finalize_variable_values();
  // The rate the next step uses (schedule, time decay), written where the training step reads
  // it. The training loop calls this before every step.
  void BeginStep();

 protected:
  // Validates the common options (throws kiln::ValueError naming the optimizer and option).
  Optimizer(const std::string& class_name, CommonOptions common, UpdateRules rules);
  // What the step's updates share: the learning rate (float32 scalar) and the steps taken before
  // this one (int64 scalar).
  struct StepArgs {
    ValueRef learning_rate, iterations;
  };
  // What one variable's update reads, all values of the training graph: the variable (after
  // weight decay), its gradient (after clipping), its slots (in slot_names() order) and the step.
  struct UpdateArgs {
    ValueRef var, grad;
    std::vector<ValueRef> slots;
    ValueRef learning_rate, iterations;
  };
  // New values for the variable and its slots (in slot_names() order; an empty ref leaves a slot
  // as it is).
  struct NewState {
    ValueRef var;
    std::vector<ValueRef> slots;
  };
  // Called once per Lower, inside the optimizer's scope, before the updates: the place for
  // constants and shared state every update reads. Returns nodes the step must run.
  virtual std::vector<int> Prepare(GraphBuilder& b, const StepArgs& step) { return {}; }
  // One variable's update as ops over the old state.
  virtual NewState Compose(GraphBuilder& b, const UpdateArgs& a) = 0;
  // The same update as one in-place op (its node id, named "update"), or nullopt.
  virtual std::optional<int> EmitFused(GraphBuilder& b, const UpdateArgs& a) {
    return std::nullopt;
  }
  // A shared scalar variable "<name>" under the optimizer's scope starting at `initial`, kept
  // across compiles (see shared_state()).
  ValueRef SharedVariable(GraphBuilder& b, const std::string& name, double initial);
  Tensor* FindShared(const std::string& name);
  // Helpers for Compose: a constant of the variable's dtype, and iterations + offset in it.
  static ValueRef Const(GraphBuilder& b, const UpdateArgs& a, double value);
  static ValueRef Step(GraphBuilder& b, const UpdateArgs& a, int offset);

  UpdateRules rules_;
  double learning_rate_;
  std::optional<double> weight_decay_, clipnorm_, clipvalue_, global_clipnorm_;
  bool use_ema_ = false;
  double ema_momentum_ = 0.99;
  std::optional<int64_t> ema_overwrite_frequency_;
  bool tf_keras_ema_ = false;

 private:
  std::string name_;
  std::shared_ptr<const optimizers::schedules::LearningRateSchedule> schedule_;
  double decay_ = 0.0;
  // A slot variable "<slot>/<variable>" under the optimizer's scope, shaped like the variable and
  // starting at slot_initial_value(slot), registered in `store` and kept across compiles.
  ValueRef Slot(GraphBuilder& b, const std::string& slot, ValueRef param, VariableStore& store);
  std::vector<ValueRef> ClippedGradients(GraphBuilder& b, std::span<const ValueRef> grads);
  // Shared with the variable store, so the training step reads and writes them in place.
  Tensor iterations_ = Tensor::Scalar<int64_t>(0);
  Tensor learning_rate_value_;
  // The step's EMA momentum (0 at the first step) and whether it overwrites the weights (1 or 0),
  // set by BeginStep; each trained weight with its average, for finalize_variable_values.
  Tensor ema_momentum_value_ = Tensor::Scalar<float>(0),
         ema_overwrite_value_ = Tensor::Scalar<float>(0);
  std::vector<std::pair<Tensor, Tensor>> averaged_;
  std::vector<std::pair<std::string, Tensor>> slots_, shared_;
  VariableStore* store_ = nullptr;  // the store being lowered into, for SharedVariable
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

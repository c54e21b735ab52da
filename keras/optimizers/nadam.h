// Nadam: Adam with Nesterov momentum (Dozat's schedule of momentum factors mu_t).
//
//   optimizers::Nadam({.learning_rate = 0.001})
//
// Keras 3's rule: mu_t = beta_1*(1 - 0.5*0.96^t); the shared product of the mu_t so far is state
// ("u_product", saved by Keras 3 after the slots; rebuilt from the step count when a tf.keras file,
// which does not save it, is loaded).
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct NadamOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  KILN_OPTIMIZER_COMMON_OPTIONS;
};

class Nadam : public Optimizer {
 public:
  explicit Nadam(NadamOptions options = {});
  std::string class_name() const override { return "Nadam"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;
  void StateRestored(bool shared_restored) override;

 protected:
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;
  std::vector<int> Prepare(GraphBuilder& b, const StepArgs& step) override;

 private:
  NadamOptions o_;
  ValueRef u_product_;  // this step's product, in the graph being lowered
};

}  // namespace kiln::keras::optimizers

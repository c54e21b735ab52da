// Adadelta: steps scaled by the ratio of moving RMS of past steps to that of gradients.
//
//   optimizers::Adadelta({.learning_rate = 1.0})
//
// Keras 3's rule: ag = rho*ag + (1-rho)*g^2; d = -sqrt(ad+eps)*g/sqrt(ag+eps);
// ad = rho*ad + (1-rho)*d^2; p += lr*d.
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct AdadeltaOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double rho = 0.95;
  double epsilon = 1e-7;
  KILN_OPTIMIZER_COMMON_OPTIONS;
};

class Adadelta : public Optimizer {
 public:
  explicit Adadelta(AdadeltaOptions options = {});
  std::string class_name() const override { return "Adadelta"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;

 protected:
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  AdadeltaOptions o_;
};

}  // namespace kiln::keras::optimizers

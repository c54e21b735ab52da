// Keras's ReduceLROnPlateau: multiplies the learning rate by `factor` after `patience` epochs
// without improvement of the monitored quantity, then waits `cooldown` epochs; never below
// min_lr. Adds the learning rate to the epoch's logs as "lr" (so History has it), as tf.keras.
//
//   fit(x, y, {.callbacks = {std::make_shared<ReduceLROnPlateau>(
//       ReduceLROnPlateauOptions{.factor = 0.5, .patience = 2, .verbose = 1})}});
//   // Epoch 5: ReduceLROnPlateau reducing learning rate to 0.05000000074505806.
//
// The rate is a float32 variable, as in Keras: the new rate is its float32 value times factor in
// float32 (as NumPy computes it), printed as Python prints it.
#pragma once

#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;
  int patience = 10;
  int verbose = 0;
  std::string mode = "auto";
  double min_delta = 1e-4;
  int cooldown = 0;
  double min_lr = 0;
};

class ReduceLROnPlateau : public Callback {
 public:
  // Throws kiln::ValueError for factor >= 1, as Keras does.
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});
  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;

 private:
  ReduceLROnPlateauOptions o_;
  MonitorMode mode_;
  double best_ = 0;
  int wait_ = 0, cooldown_counter_ = 0;
};

}  // namespace kiln::keras::callbacks

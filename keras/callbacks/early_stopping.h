// Keras's EarlyStopping: stops training when the monitored quantity has stopped improving.
//
//   auto stop = std::make_shared<EarlyStopping>(EarlyStoppingOptions{
//       .monitor = "val_loss", .patience = 3, .restore_best_weights = true});
//   model.fit(x, y, {.epochs = 100, .callbacks = {stop}, .validation_split = 0.2});
//   stop->stopped_epoch();   // 0-based, 0 when it never stopped
//
// tf.keras 2.x's rules: an epoch improves when it beats the best by more than min_delta; after
// `patience` epochs without one (never on the first epoch) training stops; with a baseline, the
// wait restarts only on epochs that also beat it; restore_best_weights puts the best epoch's
// weights back when training ends (stopped or not). A monitor missing from the logs is warned
// about (stderr) and ignored.
#pragma once

#include <optional>
#include <vector>

#include "graph/tensor.h"
#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0;
  int patience = 0;
  int verbose = 0;
  std::string mode = "auto";
  std::optional<double> baseline = std::nullopt;
  bool restore_best_weights = false;
  int start_from_epoch = 0;
};

class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;
  int stopped_epoch() const { return stopped_epoch_; }
  int best_epoch() const { return best_epoch_; }

 private:
  EarlyStoppingOptions o_;
  MonitorMode mode_;
  int wait_ = 0, stopped_epoch_ = 0, best_epoch_ = 0;
  double best_ = 0;
  std::vector<Tensor> best_weights_;
};

}  // namespace kiln::keras::callbacks

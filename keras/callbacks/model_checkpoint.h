// Keras's ModelCheckpoint: saves the model (or its weights) every epoch, every N batches, or
// only when the monitored quantity improves.
//
//   fit(x, y, {.callbacks = {std::make_shared<ModelCheckpoint>(
//       "ckpt/m-{epoch:02d}-{val_loss:.2f}.h5",
//       ModelCheckpointOptions{.monitor = "val_loss", .verbose = 1, .save_best_only = true})}});
//   // Epoch 3: val_loss improved from 0.41000 to 0.39000, saving model to ckpt/m-03-0.39.h5
//
// The path is formatted as Python's str.format with `epoch` (1-based), `batch` (1-based, for
// batch saves) and every log entry: {epoch:02d}, {val_loss:.4f}, {loss}; a name that is not
// there throws kiln::ValueError naming it. Saves go through Model::save / save_weights, so a
// failure never leaves a half-written file; missing directories are created.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ModelCheckpointOptions {
  std::string monitor = "val_loss";
  int verbose = 0;
  bool save_best_only = false;
  bool save_weights_only = false;
  std::string mode = "auto";
  SaveFreq save_freq = "epoch";
  std::optional<double> initial_value_threshold = std::nullopt;
};

class ModelCheckpoint : public Callback {
 public:
  // Throws kiln::ValueError on an unknown mode or save_freq.
  explicit ModelCheckpoint(std::string filepath, ModelCheckpointOptions options = {});
  void on_train_begin(Logs& logs) override;
  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_train_batch_end(int64_t batch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  double best() const { return best_; }

 private:
  void Save(int epoch, std::optional<int64_t> batch, const Logs& logs);
  std::string filepath_;
  ModelCheckpointOptions o_;
  MonitorMode mode_;
  double best_;
  int epoch_ = 0;
  int64_t batches_since_save_ = 0;
};

// Python's str.format of `pattern` with `values` ({name}, {name:02d}, {name:.2f}, {name:.3e},
// {{ and }}); throws kiln::ValueError naming a missing key or a spec it cannot follow.
std::string FormatPath(const std::string& pattern, const Logs& values);

}  // namespace kiln::keras::callbacks

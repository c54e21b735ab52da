// Keras's ProgbarLogger: the progress bar fit prints, as a callback.
//
//   Epoch 1/20
//   60000/60000 [==============================] - 3s 47us/step - loss: 0.6784 - val_loss: 0.61
//
// fit adds one when verbose is not 0 and the callbacks hold none, in the place each Keras gives
// it: first for ProgressStyle::kSamples (Keras 2.3.1: the bar ends before the other callbacks'
// epoch-end messages, and shows only the model's metrics), last for kSteps (tf.keras: the other
// callbacks run first, so their messages come before the bar's last line and what they add to the
// logs, such as ReduceLROnPlateau's "lr", is shown too).
//
//   model.fit(x, y, {.callbacks = {std::make_shared<callbacks::ProgbarLogger>(
//                        callbacks::ProgbarLoggerOptions{.count_mode = "steps"})}});
#pragma once

#include <optional>
#include <string>

#include "keras/callbacks/callback.h"
#include "keras/progbar.h"

namespace kiln::keras::callbacks {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ProgbarLoggerOptions {
  std::string count_mode = "samples";  // or "steps"; throws kiln::ValueError otherwise
  // Rewrite the line in place (a terminal); default: the stream is std::cout on a TTY.
  std::optional<bool> dynamic = std::nullopt;
  Clock clock = nullptr;  // default: the steady clock
};

class ProgbarLogger : public Callback {
 public:
  explicit ProgbarLogger(ProgbarLoggerOptions options = {});
  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_train_batch_end(int64_t batch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  bool counts_steps() const { return steps_; }

 private:
  // The logs in display order: params().metrics first (all that Keras 2.3.1 shows), then, counting
  // steps as tf.keras, the other entries.
  std::vector<std::pair<std::string, double>> Shown(const Logs& logs) const;
  int64_t target() const { return steps_ ? params().steps : params().samples; }

  ProgbarLoggerOptions options_;
  bool steps_;
  std::optional<Progbar> bar_;
};

}  // namespace kiln::keras::callbacks

// Keras's LearningRateScheduler: at the start of every epoch, sets the learning rate to
// schedule(epoch, current rate) (epoch 0-based, the rate as its float32 value), and records it in
// the epoch's logs as "lr".
//
//   auto halve = std::make_shared<LearningRateScheduler>(
//       [](int epoch, double lr) { return epoch < 10 ? lr : lr * 0.5; }, /*verbose=*/1);
//   // Epoch 11: LearningRateScheduler setting learning rate to 0.05000000074505806.
#pragma once

#include <functional>

#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

class LearningRateScheduler : public Callback {
 public:
  using Schedule = std::function<double(int epoch, double lr)>;
  explicit LearningRateScheduler(Schedule schedule, int verbose = 0);
  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;

 private:
  Schedule schedule_;
  int verbose_;
};

}  // namespace kiln::keras::callbacks

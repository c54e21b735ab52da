#include "keras/callbacks/early_stopping.h"

#include <cmath>

#include "graph/logging.h"
#include "keras/model.h"

namespace kiln::keras::callbacks {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options)
    : o_(std::move(options)), mode_("EarlyStopping", o_.monitor, o_.mode, true) {
  o_.min_delta = std::abs(o_.min_delta);
}

void EarlyStopping::on_train_begin(Logs&) {
  wait_ = stopped_epoch_ = best_epoch_ = 0;
  best_ = mode_.worst();
  best_weights_.clear();
}

void EarlyStopping::on_epoch_end(int epoch, Logs& logs) {
  auto it = logs.find(o_.monitor);
  if (it == logs.end()) {
    LogWarning(NotAvailable("Early stopping conditioned on metric", o_.monitor, logs));
    return;
  }
  if (epoch < o_.start_from_epoch) return;
  const double current = it->second;
  if (o_.restore_best_weights && best_weights_.empty()) {
    // Restore the first epoch's weights if no epoch ever improves.
    best_weights_ = model().get_weights();
    best_epoch_ = epoch;
  }
  ++wait_;
  if (mode_.Better(current, best_, o_.min_delta)) {
    best_ = current;
    best_epoch_ = epoch;
    if (o_.restore_best_weights) best_weights_ = model().get_weights();
    if (!o_.baseline || mode_.Better(current, *o_.baseline, o_.min_delta)) wait_ = 0;
    return;
  }
  if (wait_ >= o_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    model().stop_training = true;
  }
}

void EarlyStopping::on_train_end(Logs&) {
  if (stopped_epoch_ > 0 && o_.verbose > 0)
    out() << "Epoch " << stopped_epoch_ + 1 << ": early stopping\n";
  if (o_.restore_best_weights && !best_weights_.empty()) {
    if (o_.verbose > 0)
      out() << "Restoring model weights from the end of the best epoch: " << best_epoch_ + 1
            << ".\n";
    model().set_weights(best_weights_);
  }
}

}  // namespace kiln::keras::callbacks

#include "keras/callbacks/reduce_lr_on_plateau.h"

#include <algorithm>

#include "graph/logging.h"
#include "keras/model.h"

namespace kiln::keras::callbacks {

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options)
    : o_(std::move(options)), mode_("ReduceLROnPlateau", o_.monitor, o_.mode, false) {
  if (o_.factor >= 1.0)
    throw ValueError("ReduceLROnPlateau does not support a factor >= 1.0. Got " +
                     PythonFloat(o_.factor));
}

void ReduceLROnPlateau::on_train_begin(Logs&) {
  best_ = mode_.worst();
  wait_ = cooldown_counter_ = 0;
}

void ReduceLROnPlateau::on_epoch_end(int epoch, Logs& logs) {
  Optimizer& opt = *model().optimizer();
  const float lr = static_cast<float>(opt.learning_rate());
  logs["lr"] = lr;
  auto it = logs.find(o_.monitor);
  if (it == logs.end()) {
    LogWarning(NotAvailable("Learning rate reduction is conditioned on metric", o_.monitor, logs));
    return;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    wait_ = 0;
  }
  if (mode_.Better(it->second, best_, o_.min_delta)) {
    best_ = it->second;
    wait_ = 0;
  } else if (cooldown_counter_ == 0 && ++wait_ >= o_.patience) {
    if (lr > static_cast<float>(o_.min_lr)) {
      // In float32, as NumPy multiplies Keras's float32 rate by a Python float; min_lr when
      // that is below it.
      const float product = lr * static_cast<float>(o_.factor);
      const double new_lr = o_.min_lr > double(product) ? o_.min_lr : double(product);
      opt.set_learning_rate(new_lr);
      if (o_.verbose > 0)
        out() << "\nEpoch " << epoch + 1 << ": ReduceLROnPlateau reducing learning rate to "
              << PythonFloat(new_lr) << ".\n";
      cooldown_counter_ = o_.cooldown;
      wait_ = 0;
    }
  }
}

}  // namespace kiln::keras::callbacks

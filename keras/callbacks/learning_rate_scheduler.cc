#include "keras/callbacks/learning_rate_scheduler.h"

#include <cmath>

#include "keras/model.h"

namespace kiln::keras::callbacks {

LearningRateScheduler::LearningRateScheduler(Schedule schedule, int verbose)
    : schedule_(std::move(schedule)), verbose_(verbose) {
  if (!schedule_) throw ValueError("LearningRateScheduler: the schedule is empty");
}

void LearningRateScheduler::on_epoch_begin(int epoch, Logs&) {
  Optimizer& opt = *model().optimizer();
  const double lr = schedule_(epoch, static_cast<float>(opt.learning_rate()));
  if (!std::isfinite(lr))
    throw ValueError("The output of the \"schedule\" function should be a finite number, got " +
                     PythonFloat(lr));
  opt.set_learning_rate(lr);
  if (verbose_ > 0)
    out() << "\nEpoch " << epoch + 1 << ": LearningRateScheduler setting learning rate to "
          << PythonFloat(lr) << ".\n";
}

void LearningRateScheduler::on_epoch_end(int, Logs& logs) {
  logs["lr"] = static_cast<float>(model().optimizer()->learning_rate());
}

}  // namespace kiln::keras::callbacks

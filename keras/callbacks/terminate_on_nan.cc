#include "keras/callbacks/terminate_on_nan.h"

#include <cmath>

#include "keras/model.h"

namespace kiln::keras::callbacks {

void TerminateOnNaN::on_train_batch_end(int64_t batch, Logs& logs) {
  auto it = logs.find("loss");
  if (it == logs.end() || std::isfinite(it->second)) return;
  out() << "Batch " << batch << ": Invalid loss, terminating training\n";
  model().stop_training = true;
}

}  // namespace kiln::keras::callbacks

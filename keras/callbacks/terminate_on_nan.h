// Keras's TerminateOnNaN: stops training at the first batch whose loss is NaN or infinite.
//   Batch 3: Invalid loss, terminating training
#pragma once

#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

class TerminateOnNaN : public Callback {
 public:
  void on_train_batch_end(int64_t batch, Logs& logs) override;
};

}  // namespace kiln::keras::callbacks

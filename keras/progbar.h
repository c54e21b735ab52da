// Keras's progress bar (keras/utils/generic_utils.py Progbar, 2.3.1), character for character:
//
//   Epoch 1/20
//   60000/60000 [==============================] - 3s 47us/step - loss: 0.6784 - accuracy: 0.7582
//
// On a terminal each update rewrites the line ("\b...\r"); otherwise each update starts a new line,
// as Keras does. Updates are throttled to one per 0.05 s except the last. The clock is injectable
// so that tests can check the exact text.
//
//   Progbar bar(60000, {.verbose = 1}, std::cout);
//   bar.update(32, {{"loss", 2.3}, {"accuracy", 0.1}});
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace kiln::keras {

using Clock = std::function<double()>;  // seconds
Clock SteadyClock();

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ProgbarOptions {
  int width = 30;
  int verbose = 1;
  double interval = 0.05;
  bool dynamic = false;   // rewrite the line in place (a terminal)
  Clock clock = nullptr;  // default: steady clock
};

class Progbar {
 public:
  Progbar(int64_t target, ProgbarOptions options, std::ostream& out);
  // `values` are running means to display as they are ("loss", "accuracy", "val_loss", ...).
  void update(int64_t current, const std::vector<std::pair<std::string, double>>& values = {});

 private:
  int64_t target_;
  ProgbarOptions options_;
  std::ostream& out_;
  double start_, last_update_ = -1e300;  // the first update always shows
  size_t total_width_ = 0;
};

// " %.4f", or " %.4e" when |v| <= 1e-3 (Keras's value format).
std::string FormatMetricValue(double v);

}  // namespace kiln::keras

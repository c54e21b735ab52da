// Keras's callbacks: objects fit() calls at the start and end of training, of each epoch and of
// each batch, with the logs so far (loss and metrics by name, val_* at the end of an epoch).
//
//   model.fit(x, y, {.epochs = 50, .callbacks = {
//       std::make_shared<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{
//           .monitor = "val_loss", .patience = 3, .restore_best_weights = true}),
//       std::make_shared<callbacks::ModelCheckpoint>("best-{epoch:02d}.h5",
//           callbacks::ModelCheckpointOptions{.save_best_only = true})},
//       .validation_split = 0.2});
//
//   class Printer : public callbacks::Callback {     // a callback of one's own
//     void on_epoch_end(int epoch, Logs& logs) override { std::cout << logs["loss"] << "\n"; }
//   };
//
// evaluate() and predict() take callbacks too (their on_test_* and on_predict_* hooks), and fit
// runs the on_test_* hooks around each validation.
//
// Contract: the hooks run in fit's thread, in the order the callbacks are given; logs are
// mutable (a callback may add entries, as ReduceLROnPlateau adds "lr"), and History records the
// epoch logs after every callback ran, as in Keras. A callback stops training by setting
// model().stop_training. Messages go to the stream fit writes to (FitOptions::out), with
// tf.keras 2.x's wording.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace kiln::keras {
class Model;
}

namespace kiln::keras::callbacks {

using Logs = std::map<std::string, double>;

// Keras's callback.params: what the running fit (or evaluate, predict) does.
struct Params {
  int epochs = 0;          // 0 outside fit
  int64_t steps = 0;       // batches per epoch (or per evaluate/predict call)
  int64_t samples = 0;     // per epoch
  int64_t batch_size = 0;  // every batch's but perhaps the last
  int verbose = 0;
  // The logs' names in display order: metrics_names(), then val_ each (fit with validation).
  std::vector<std::string> metrics;
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(Logs& logs) {}
  virtual void on_train_end(Logs& logs) {}
  virtual void on_epoch_begin(int epoch, Logs& logs) {}
  virtual void on_epoch_end(int epoch, Logs& logs) {}
  virtual void on_train_batch_begin(int64_t batch, Logs& logs) {}
  virtual void on_train_batch_end(int64_t batch, Logs& logs) {}
  // Around evaluate() and each validation inside fit; batch logs hold the running results.
  virtual void on_test_begin(Logs& logs) {}
  virtual void on_test_end(Logs& logs) {}
  virtual void on_test_batch_begin(int64_t batch, Logs& logs) {}
  virtual void on_test_batch_end(int64_t batch, Logs& logs) {}
  virtual void on_predict_begin(Logs& logs) {}
  virtual void on_predict_end(Logs& logs) {}
  virtual void on_predict_batch_begin(int64_t batch, Logs& logs) {}
  virtual void on_predict_batch_end(int64_t batch, Logs& logs) {}

  // Set by fit, evaluate and predict before their first hook.
  void set_model(Model* model, std::ostream* out) {
    model_ = model;
    out_ = out;
  }
  void set_params(Params params) { params_ = std::move(params); }
  // Throws kiln::ValueError when the callback is not in a fit.
  Model& model() const;
  std::ostream& out() const { return *out_; }
  const Params& params() const { return params_; }

 private:
  Model* model_ = nullptr;
  std::ostream* out_ = nullptr;
  Params params_;
};

using CallbackList = std::vector<std::shared_ptr<Callback>>;

// How often a callback saves: "epoch", or every `batches` batches.
struct SaveFreq {
  SaveFreq(const char* epoch) : epoch(std::string(epoch) == "epoch") {}  // NOLINT
  SaveFreq(int64_t batches) : epoch(false), batches(batches) {}          // NOLINT
  bool epoch = true;
  int64_t batches = 0;
};

// Which way a monitored quantity improves, as tf.keras decides it for "auto": up for names that
// contain `acc` (or end with it, and auc, for `ends_with_rule`), down otherwise.
struct MonitorMode {
  // mode: "auto", "min" or "max"; throws kiln::ValueError otherwise, naming `who`.
  MonitorMode(const std::string& who, const std::string& monitor, const std::string& mode,
              bool ends_with_rule);
  bool greater;
  // a better than b by more than delta (delta >= 0).
  bool Better(double a, double b, double delta = 0) const {
    return greater ? a - delta > b : a + delta < b;
  }
  double worst() const;
};

// Python's repr() of a float ("0.1", "1e-05", "0.05000000074505806", "inf"), as Keras's
// messages and CSVLogger print numbers.
std::string PythonFloat(double v);
// What Keras's logging.warning prints for a monitor that is not in the logs:
// "<what> `val_loss` which is not available. Available metrics are: loss,accuracy".
std::string NotAvailable(const std::string& what, const std::string& monitor, const Logs& logs);

}  // namespace kiln::keras::callbacks

// Keras's TensorBoard callback: training curves, weight histograms and the model's layer graph,
// written as TensorBoard event files while fit runs.
//
//   model.fit(x, y, {.epochs = 10, .validation_split = 0.2, .callbacks = {
//       std::make_shared<callbacks::TensorBoard>("logs", callbacks::TensorBoardOptions{
//           .histogram_freq = 1, .update_freq = 100})}});
//   // then: tensorboard --logdir logs
//
// What is written, as Keras 3 writes it (tags and steps are Keras's):
//   log_dir/train/events.out.tfevents.<time>.<host>.<pid>.<n>.v2
//     epoch_<name> at step epoch (0-based) for every entry of the epoch logs not starting with val_
//       (epoch_loss, epoch_accuracy, ...), and epoch_learning_rate (the optimizer's, at epoch end);
//     with update_freq N: batch_<name> (the running loss and metrics fit reports) every N-th batch,
//       at step = batches trained since fit began (1-based), as Keras counts them;
//     with histogram_freq N: <layer>/<weight>/histogram for every layer weight every N-th epoch
//       (epoch % N == 0), TF2's 30-bucket histograms ("dense/kernel/histogram": Keras 3 writes
//       "kernel/histogram", whose names collide between layers; the layer's name keeps them apart);
//     with write_graph: the model's config (Keras's model JSON, ModelConfig) at step 0, tag
//       "keras", plugin "graph_keras_model": TensorBoard's Graphs dashboard draws it as the
//       conceptual graph, as it does for Keras. (Kiln's op graph is not written: TensorBoard would
//       need TensorFlow's GraphDef and op names to draw it.)
//   log_dir/validation/...: epoch_<name> from the val_<name> entries (same tags as train/, so
//     TensorBoard overlays the two runs), and evaluation_<name>_vs_iterations at step = optimizer
//     iterations after each validation.
// Scalars are stored as float32 (tf.summary.scalar's precision). Both files are flushed at the end
// of every epoch, so a running TensorBoard shows progress; they are closed when fit ends, and each
// fit writes new files. Throws kiln::IOError naming the path and the OS's reason when a directory
// or file cannot be created or written. The logs are read, never changed.
#pragma once

#include <memory>
#include <string>

#include "keras/callbacks/callback.h"

namespace kiln::tensorboard {
class EventFileWriter;
}

namespace kiln::keras::callbacks {

// Keras's argument order (log_dir comes first, as the constructor's own argument).
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct TensorBoardOptions {
  int histogram_freq = 0;  // 0: no histograms
  bool write_graph = true;
  // "epoch", or every N batches (1 writes every batch; Keras's "batch").
  SaveFreq update_freq = "epoch";
};

class TensorBoard : public Callback {
 public:
  // Throws kiln::ValueError for a negative histogram_freq or an update_freq that is neither
  // "epoch" nor a positive number of batches.
  explicit TensorBoard(std::string log_dir = "logs", TensorBoardOptions options = {});
  ~TensorBoard() override;

  void on_train_begin(Logs& logs) override;
  void on_train_batch_begin(int64_t batch, Logs& logs) override;
  void on_train_batch_end(int64_t batch, Logs& logs) override;
  void on_test_end(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;

  // The event files of the current (or last) fit; empty before the first write to each.
  std::string train_file() const;
  std::string validation_file() const;

 private:
  tensorboard::EventFileWriter& train_writer();
  tensorboard::EventFileWriter& validation_writer();
  void WriteGraph();
  void WriteHistograms(int epoch);

  std::string log_dir_;
  TensorBoardOptions options_;
  int64_t global_batch_ = 0;
  bool training_ = false;
  // Opened on first use, as Keras does: a fit without validation leaves no validation/ directory.
  std::unique_ptr<tensorboard::EventFileWriter> train_, validation_;
  std::string train_path_, validation_path_;
};

}  // namespace kiln::keras::callbacks

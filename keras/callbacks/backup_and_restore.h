// Keras's BackupAndRestore: a run that is killed (preempted, out of time, SIGKILL) resumes from
// the last finished epoch when fit is called again with the same backup_dir, and ends where the
// uninterrupted run would have, bit for bit.
//
//   auto backup = std::make_shared<callbacks::BackupAndRestore>("/scratch/run1");
//   model.fit(x, y, {.epochs = 50, .callbacks = {backup}});   // rerun the program after a kill
//
// Contract: at the end of every epoch it writes <backup_dir>/latest.h5 atomically (a complete
// earlier backup is on disk whatever moment the process dies): the full model file model.save()
// writes (weights, optimizer state), plus what the next epoch depends on: the epoch, the
// optimizer's learning rate, the layers' states (Dropout's seeds) and the global generator that
// shuffles, and where fit is (Model::FitPosition: in the middle of an epoch, with its running
// metrics, for save_freq in batches). fit's on_train_begin restores all of it into the same,
// compiled model, and fit goes on from there. The backup is deleted when fit ends
// (delete_checkpoint), unless training stopped because of an error, so a finished run starts
// afresh. A backup that does not fit the model (another architecture or optimizer) is refused
// with kiln::IOError, not half-restored. With save_freq "epoch" (Keras's default) a run killed
// mid-epoch redoes that epoch; with save_freq N it redoes at most N - 1 batches.
#pragma once

#include <optional>
#include <string>

#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct BackupAndRestoreOptions {
  SaveFreq save_freq = "epoch";  // or every N batches; throws kiln::ValueError for N < 1
  bool delete_checkpoint = true;
};

class BackupAndRestore : public Callback {
 public:
  // Throws kiln::ValueError for an empty backup_dir.
  explicit BackupAndRestore(std::string backup_dir, BackupAndRestoreOptions options = {});
  void on_train_begin(Logs& logs) override;
  void on_train_batch_end(int64_t batch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;
  // <backup_dir>/latest.h5
  const std::string& backup_path() const { return path_; }

 private:
  void Save();

  std::string dir_, path_;
  BackupAndRestoreOptions options_;
  int64_t batches_ = 0;  // since fit began
};

}  // namespace kiln::keras::callbacks

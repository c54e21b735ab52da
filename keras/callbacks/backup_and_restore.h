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
// shuffles. fit's on_train_begin restores all of it into the same, compiled model and fit starts
// from the saved epoch. The backup is deleted when fit ends (delete_checkpoint), unless training
// stopped because of an error, so a finished run starts afresh. A backup that does not fit the
// model (another architecture or optimizer) is refused with kiln::IOError, not half-restored.
// Backups are per epoch (Keras's save_freq="epoch"); a run killed mid-epoch redoes that epoch.
#pragma once

#include <optional>
#include <string>

#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

struct BackupAndRestoreOptions {
  bool delete_checkpoint = true;
};

class BackupAndRestore : public Callback {
 public:
  // Throws kiln::ValueError for an empty backup_dir.
  explicit BackupAndRestore(std::string backup_dir, BackupAndRestoreOptions options = {});
  void on_train_begin(Logs& logs) override;
  int initial_epoch(int given) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;
  // <backup_dir>/latest.h5
  const std::string& backup_path() const { return path_; }

 private:
  std::string dir_, path_;
  BackupAndRestoreOptions options_;
  std::optional<int> resume_epoch_;
};

}  // namespace kiln::keras::callbacks

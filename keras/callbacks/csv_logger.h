// Keras's CSVLogger: one row per epoch ("epoch" 0-based, then every log entry in sorted order),
// as Python's csv module writes it (\r\n line ends, numbers as Python prints them, "NA" for an
// entry missing from the last epoch of a stopped run).
//
//   fit(x, y, {.callbacks = {std::make_shared<CSVLogger>("training.csv")}});
//   // epoch,accuracy,loss,val_accuracy,val_loss
//   // 0,0.8125,0.5274...,0.84,0.4413...
//
// With append, rows go after an existing file's (and no second header). Each row is flushed as it
// is written, so a killed run keeps the epochs it finished. Throws kiln::IOError naming the file
// when it cannot be written.
#pragma once

#include <fstream>
#include <optional>
#include <vector>

#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

class CSVLogger : public Callback {
 public:
  explicit CSVLogger(std::string filename, std::string separator = ",", bool append = false);
  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;

 private:
  std::string filename_, separator_;
  bool append_;
  bool header_ = true;
  std::optional<std::vector<std::string>> keys_;
  std::ofstream file_;
};

}  // namespace kiln::keras::callbacks

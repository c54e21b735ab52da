#include "keras/callbacks/csv_logger.h"

#include "keras/model.h"

namespace kiln::keras::callbacks {

CSVLogger::CSVLogger(std::string filename, std::string separator, bool append)
    : filename_(std::move(filename)), separator_(std::move(separator)), append_(append) {}

void CSVLogger::on_train_begin(Logs&) {
  header_ = true;
  keys_.reset();
  if (append_) {
    std::ifstream existing(filename_);
    std::string first;
    header_ = !(existing && std::getline(existing, first) && !first.empty());
  }
  file_.open(filename_, append_ ? std::ios::app : std::ios::trunc);
  if (!file_) throw IOError(filename_ + ": cannot open for writing");
}

void CSVLogger::on_epoch_end(int epoch, Logs& logs) {
  if (!keys_) {
    keys_.emplace();
    for (const auto& [k, v] : logs) keys_->push_back(k);
  }
  if (header_) {
    file_ << "epoch";
    for (const auto& k : *keys_) file_ << separator_ << k;
    file_ << "\r\n";
    header_ = false;
  }
  file_ << epoch;
  for (const auto& k : *keys_) {
    auto it = logs.find(k);
    file_ << separator_ << (it == logs.end() ? "NA" : PythonFloat(it->second));
  }
  file_ << "\r\n";
  file_.flush();
  if (!file_) throw IOError(filename_ + ": cannot write");
}

void CSVLogger::on_train_end(Logs&) { file_.close(); }

}  // namespace kiln::keras::callbacks

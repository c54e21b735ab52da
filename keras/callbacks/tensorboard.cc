#include "keras/callbacks/tensorboard.h"

#include <filesystem>

#include "graph/logging.h"
#include "io/tensorboard/event_writer.h"
#include "keras/model.h"
#include "keras/model_config.h"

namespace kiln::keras::callbacks {

TensorBoard::TensorBoard(std::string log_dir, TensorBoardOptions options)
    : log_dir_(std::move(log_dir)), options_(options) {
  if (options_.histogram_freq < 0)
    throw ValueError("TensorBoard: histogram_freq must be >= 0, got " +
                     std::to_string(options_.histogram_freq));
  if (!options_.update_freq.epoch && options_.update_freq.batches < 1)
    throw ValueError(
        "TensorBoard: update_freq must be \"epoch\" or a positive number of batches, got " +
        std::to_string(options_.update_freq.batches));
}

TensorBoard::~TensorBoard() = default;

std::string TensorBoard::train_file() const { return train_path_; }
std::string TensorBoard::validation_file() const { return validation_path_; }

tensorboard::EventFileWriter& TensorBoard::train_writer() {
  if (!train_) {
    train_ = std::make_unique<tensorboard::EventFileWriter>(
        (std::filesystem::path(log_dir_) / "train").string());
    train_path_ = train_->path();
  }
  return *train_;
}

tensorboard::EventFileWriter& TensorBoard::validation_writer() {
  if (!validation_) {
    validation_ = std::make_unique<tensorboard::EventFileWriter>(
        (std::filesystem::path(log_dir_) / "validation").string());
    validation_path_ = validation_->path();
  }
  return *validation_;
}

void TensorBoard::on_train_begin(Logs&) {
  train_.reset();
  validation_.reset();
  train_path_.clear();
  validation_path_.clear();
  global_batch_ = 0;
  training_ = true;
  if (options_.write_graph) WriteGraph();
}

void TensorBoard::WriteGraph() {
  std::string json;
  try {
    json = ModelConfig(model()).dump();
  } catch (const Error& e) {
    // As Keras: a model that cannot be described must not stop its training.
    LogWarning(std::string("TensorBoard: model failed to serialize as JSON; no graph written: ") +
               e.what());
    return;
  }
  // Content "1": the graph_keras_model plugin's version, as Keras writes it.
  train_writer().AddString("keras", 0, json, "graph_keras_model", "1");
  train_writer().Flush();
}

void TensorBoard::on_train_batch_begin(int64_t, Logs&) { ++global_batch_; }

void TensorBoard::on_train_batch_end(int64_t, Logs& logs) {
  if (options_.update_freq.epoch || global_batch_ % options_.update_freq.batches != 0) return;
  for (const auto& [name, value] : logs)
    train_writer().AddScalar("batch_" + name, global_batch_, value);
}

void TensorBoard::on_test_end(Logs& logs) {
  // Only the validation inside fit: evaluate() on its own has no training step to plot against.
  if (!training_) return;
  const Optimizer* opt = model().optimizer();
  if (!opt) return;
  for (const auto& [name, value] : logs)
    validation_writer().AddScalar("evaluation_" + name + "_vs_iterations", opt->iterations(),
                                  value);
}

void TensorBoard::on_epoch_end(int epoch, Logs& logs) {
  for (const auto& [name, value] : logs)
    if (!name.starts_with("val_")) train_writer().AddScalar("epoch_" + name, epoch, value);
  if (const Optimizer* opt = model().optimizer())
    train_writer().AddScalar("epoch_learning_rate", epoch, opt->learning_rate());
  for (const auto& [name, value] : logs)
    if (name.starts_with("val_"))
      validation_writer().AddScalar("epoch_" + name.substr(4), epoch, value);
  if (options_.histogram_freq > 0 && epoch % options_.histogram_freq == 0) WriteHistograms(epoch);
  if (train_) train_->Flush();
  if (validation_) validation_->Flush();
}

void TensorBoard::WriteHistograms(int epoch) {
  for (const auto& layer : model().layers())
    for (const Weight& w : layer->weights()) {
      const Tensor values = w.value.astype(kFloat64);
      train_writer().AddHistogram(layer->name() + "/" + w.name + "/histogram", epoch,
                                  values.values<double>());
    }
}

void TensorBoard::on_train_end(Logs&) {
  training_ = false;
  // Close() reports a failed last write; the writers are dropped either way.
  std::unique_ptr<tensorboard::EventFileWriter> train = std::move(train_),
                                                validation = std::move(validation_);
  if (train) train->Close();
  if (validation) validation->Close();
}

}  // namespace kiln::keras::callbacks

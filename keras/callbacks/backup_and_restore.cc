#include "keras/callbacks/backup_and_restore.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "graph/error.h"
#include "io/atomic_file.h"
#include "io/h5.h"
#include "keras/backend.h"
#include "keras/model.h"
#include "keras/saving/keras_h5.h"

namespace kiln::keras::callbacks {
namespace {

constexpr const char* kStateAttr = "kiln_training_state";
constexpr const char* kLayerStates = "kiln_layer_states";

// Every layer's states, nested models' included, named by position ("2.1:0": layer 1 of the
// model at layer 2, its first state), as the weights are matched: a rerun program's layers may
// have other auto-names.
void CollectStates(Model& m, const std::string& prefix,
                   std::vector<std::pair<std::string, Weight*>>& out) {
  for (size_t k = 0; k < m.layers().size(); ++k) {
    Layer& l = *m.layers()[k];
    const std::string at = prefix + std::to_string(k);
    for (size_t i = 0; i < l.states().size(); ++i)
      out.emplace_back(at + ":" + std::to_string(i), &l.states()[i]);
    if (auto* inner = dynamic_cast<Model*>(&l)) CollectStates(*inner, at + ".", out);
  }
}

std::vector<std::pair<std::string, Weight*>> States(Model& m) {
  std::vector<std::pair<std::string, Weight*>> out;
  CollectStates(m, "", out);
  return out;
}

}  // namespace

BackupAndRestore::BackupAndRestore(std::string backup_dir, BackupAndRestoreOptions options)
    : dir_(std::move(backup_dir)), path_(dir_ + "/latest.h5"), options_(options) {
  if (dir_.empty()) throw ValueError("BackupAndRestore: Empty `backup_dir` argument passed");
  if (!options_.save_freq.epoch && options_.save_freq.batches < 1)
    throw ValueError("BackupAndRestore: save_freq must be 'epoch' or a positive number of batches");
}

void BackupAndRestore::on_train_begin(Logs&) {
  batches_ = 0;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw IOError("BackupAndRestore: cannot create " + dir_ + ": " + ec.message());
  if (!std::filesystem::exists(path_)) return;
  Model& m = model();
  h5::File f = h5::File::Open(path_);
  const auto text = h5::ReadStringAttr(f.id(), kStateAttr);
  const nlohmann::json state =
      nlohmann::json::parse(text.value_or(""), nullptr, /*allow_exceptions=*/false);
  auto has = [&](const char* key, auto is) { return state.contains(key) && (state[key].*is)(); };
  const bool valid = state.is_object() && has("epoch", &nlohmann::json::is_number_integer) &&
                     has("step", &nlohmann::json::is_number_integer) &&
                     has("seen", &nlohmann::json::is_number_integer) &&
                     has("generator", &nlohmann::json::is_string) &&
                     has("pass_generator", &nlohmann::json::is_string) &&
                     has("totals", &nlohmann::json::is_array) &&
                     has("samples", &nlohmann::json::is_number_integer) &&
                     (!state.contains("learning_rate") || state["learning_rate"].is_number());
  if (!valid)
    throw IOError(path_ + ": not a BackupAndRestore backup (no valid " + kStateAttr +
                  " attribute)");
  // Everything is read and checked before anything is set, so a bad file changes nothing.
  const auto states = States(m);
  std::vector<Tensor> values;
  for (const auto& [name, w] : states) {
    const std::string at = std::string(kLayerStates) + "/" + name;
    if (!h5::Exists(f.id(), at))
      throw IOError(path_ + ": no layer state " + at + " for this model");
    values.push_back(h5::ReadDataset(f.id(), at));
    if (values.back().shape() != w->value.shape() || values.back().dtype() != w->value.dtype())
      throw IOError(path_ + ": " + at + " does not fit the model's state (" +
                    w->value.shape().ToString() + ")");
  }
  std::mt19937_64 generator, pass_generator;
  std::istringstream text_state(state["generator"].get<std::string>()),
      pass_state(state["pass_generator"].get<std::string>());
  if (!(text_state >> generator) || !(pass_state >> pass_generator))
    throw IOError(path_ + ": the backup's random generator state is not readable");
  Model::FitPosition position{.epoch = state["epoch"].get<int>(),
                              .step = state["step"].get<int64_t>(),
                              .seen = state["seen"].get<int64_t>(),
                              .pass_generator = state["pass_generator"].get<std::string>()};
  try {
    position.totals = {state["totals"].get<std::vector<std::vector<std::vector<double>>>>(),
                       state["samples"].get<int64_t>()};
  } catch (const nlohmann::json::exception&) {
    throw IOError(path_ + ": the backup's running metrics are not readable");
  }
  const std::vector<Tensor> before = m.get_weights();
  try {
    saving::RestoreModel(m, f.id(), path_);
  } catch (...) {
    m.set_weights(before);  // the weights may fit where the optimizer state does not
    throw;
  }
  for (size_t i = 0; i < states.size(); ++i) states[i].second->value.CopyFrom(values[i]);
  if (state.contains("learning_rate") && !m.optimizer()->schedule())
    m.optimizer()->set_learning_rate(state["learning_rate"].get<double>());
  backend::GlobalGenerator() = generator;
  m.ResumeFit(std::move(position));
}

void BackupAndRestore::on_train_batch_end(int64_t, Logs&) {
  if (!options_.save_freq.epoch && ++batches_ % options_.save_freq.batches == 0) Save();
}

void BackupAndRestore::on_epoch_end(int, Logs&) {
  if (options_.save_freq.epoch) Save();
}

void BackupAndRestore::Save() {
  Model& m = model();
  const Model::FitPosition& p = m.fit_position();
  std::ostringstream generator;
  generator << backend::GlobalGenerator();
  nlohmann::json state = {{"epoch", p.epoch},
                          {"step", p.step},
                          {"seen", p.seen},
                          {"generator", generator.str()},
                          {"pass_generator", p.pass_generator},
                          {"totals", p.totals.totals},
                          {"samples", p.totals.samples}};
  if (!m.optimizer()->schedule()) state["learning_rate"] = m.optimizer()->learning_rate();
  WriteFileAtomically(path_, [&](const std::string& tmp) {
    h5::File f = h5::File::Create(tmp);
    saving::WriteModel(m, f.id());
    h5::WriteVlenStringAttr(f.id(), kStateAttr, state.dump());
    h5::Handle g = h5::CreateGroup(f.id(), kLayerStates);
    for (const auto& [name, w] : States(m)) h5::WriteDataset(g.id(), name, w->value);
    f.Close();
  });
}

void BackupAndRestore::on_train_end(Logs&) {
  if (!options_.delete_checkpoint) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  std::filesystem::remove(dir_, ec);  // only when empty: the directory may hold the user's files
}

}  // namespace kiln::keras::callbacks

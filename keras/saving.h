// Model files. keras/ does not depend on io/ (the folder rules), so the file formats register
// themselves here: linking //io:keras_h5 and //io:kiln_export (both part of //:kiln) makes
// Model::save, Model::load_weights, Model::export_graph and keras::load_model work.
//
//   auto model = kiln::keras::load_model("fashion_mlp.h5");   // compiled if the file says how
//   model->predict(x);
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "keras/model.h"

namespace kiln::keras {

struct SavingBackend {
  std::function<void(Model&, const std::string&)> save_model;
  std::function<void(Model&, const std::string&)> save_weights;
  std::function<void(Model&, const std::string&, bool by_name)> load_weights;
  std::function<std::unique_ptr<Model>(const std::string&)> load_model;
  std::function<void(Model&, const std::string&, bool training)> export_graph;
};

// The registry of file-format functions (set once, at static initialisation).
SavingBackend& Saving();

// Throws kiln::IOError naming the file when it cannot be read or is not a Keras model, and
// kiln::Error listing every unsupported layer and option at once when Kiln cannot build it.
std::unique_ptr<Model> load_model(const std::string& path);

}  // namespace kiln::keras

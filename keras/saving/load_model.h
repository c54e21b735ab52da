// keras::load_model: any Keras model file Kiln reads (legacy .h5, .keras), compiled when the file
// says how. Model::save, save_weights, load_weights and export_graph are defined in this folder
// too, on the formats of io/; linking //keras is enough.
//
//   auto model = kiln::keras::load_model("fashion_mlp.h5");
//   model->predict(x);
#pragma once

#include <memory>
#include <string>

#include "keras/model.h"

namespace kiln::keras {

// Throws kiln::IOError naming the file when it cannot be read or is not a Keras model, and
// kiln::Error listing every unsupported layer and option at once when Kiln cannot build it.
std::unique_ptr<Model> load_model(const std::string& path);

}  // namespace kiln::keras

#include "keras/saving.h"

namespace kiln::keras {
namespace {

template <typename F>
const F& Need(const F& f) {
  if (!f)
    throw Error(
        "Keras HDF5 support is not linked into this program: depend on //io:keras_h5 (or //:kiln)");
  return f;
}

}  // namespace

SavingBackend& Saving() {
  static SavingBackend backend;
  return backend;
}

std::unique_ptr<Model> load_model(const std::string& path) {
  return Need(Saving().load_model)(path);
}

void Model::save(const std::string& path) { Need(Saving().save_model)(*this, path); }
void Model::save_weights(const std::string& path) { Need(Saving().save_weights)(*this, path); }
void Model::export_graph(const std::string& path, bool training) {
  Need(Saving().export_graph)(*this, path, training);
}
void Model::load_weights(const std::string& path, bool by_name) {
  Need(Saving().load_weights)(*this, path, by_name);
}

}  // namespace kiln::keras

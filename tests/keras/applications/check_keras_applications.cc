// Checks Kiln against the keras.applications files write_keras_applications.py wrote with real
// tf.keras and Keras 3 (run by keras_applications_test.sh):
//  - each file loads with load_model, has Keras's layer names in Keras's order and Keras's
//    count_params(), and predicts Keras's logits within 1e-4 of their scale;
//  - Kiln's own builder with the same arguments has the same layer names and counts, and with
//    the file's weights loaded by name predicts the same;
//  - one SGD step of the compiled MobileNetV2 file lands on Keras's weights after its step
//    (BatchNormalization's moving statistics included) within 1e-4 of each weight's scale.
//
//   check_keras_applications OUT      (OUT/applications.json); exits 1 naming what differs
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "io/npy.h"
#include "keras/keras.h"
#include "tests/keras/applications/trainable_params.h"

using namespace kiln::keras;
using kiln::Tensor;
using nlohmann::json;

namespace {

int failures = 0;

// max |got - want| / max |want|, over equal shapes; infinity when the shapes differ.
double RelativeError(const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape()) return INFINITY;
  const std::vector<float> g = got.ToVector<float>(), w = want.ToVector<float>();
  double diff = 0, scale = 1e-30;
  for (size_t i = 0; i < w.size(); ++i) {
    diff = std::max(diff, std::abs(double(g[i]) - w[i]));
    scale = std::max(scale, std::abs(double(w[i])));
  }
  return diff / scale;
}

// "" when equal, else where the first difference is.
std::string FirstDifference(const std::vector<std::string>& got,
                            const std::vector<std::string>& want) {
  for (size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    const std::string g = i < got.size() ? got[i] : "(none)",
                      w = i < want.size() ? want[i] : "(none)";
    if (g != w) return " (layer " + std::to_string(i) + ": " + g + ", Keras: " + w + ")";
  }
  return "";
}

void Check(bool ok, const std::string& what) {
  std::cout << (ok ? "  ok   " : "  FAIL ") << what << "\n";
  failures += !ok;
}

// Within 1e-4 of the writer's prediction, relative to its scale; a Keras 3 file also has the
// prediction of Keras 3 on TensorFlow (JAX's XLA and TensorFlow differ by up to 3e-4 on
// EfficientNetB0), and the closer of the two counts. Prints the errors.
bool Close(const Tensor& got, const std::vector<Tensor>& want) {
  double best = INFINITY;
  for (size_t i = 0; i < want.size(); ++i) {
    const double err = RelativeError(got, want[i]);
    std::cout << (i ? ", " : "         max |Kiln - Keras| / scale: ") << err
              << (i ? " (Keras 3 on TensorFlow)" : "");
    best = std::min(best, err);
  }
  std::cout << "\n";
  return best <= 1e-4;
}

// tf.keras 2.x names DenseNet's stem conv1/conv, conv1/bn and conv1/relu, Keras 3 (and Kiln)
// conv1_conv, conv1_bn, conv1_relu: the same layers.
std::string Keras3Name(std::string name) {
  if (name.starts_with("conv1/")) name[5] = '_';
  return name;
}

// The layer names, the InputLayer's left out: Keras numbers it per session (input_3,
// input_layer_2), so no two programs agree on it.
std::vector<std::string> LayerNames(const Model& m) {
  std::vector<std::string> names;
  for (const auto& l : m.layers())
    if (l->class_name() != "InputLayer") names.push_back(l->name());
  return names;
}

Model Build(const std::string& app, const json& a) {
  applications::ApplicationOptions o{.include_top = a.value("include_top", true),
                                     .input_shape = a["input_shape"].get<std::vector<int64_t>>(),
                                     .pooling = a.value("pooling", ""),
                                     .classes = a.value("classes", int64_t{1000}),
                                     .classifier_activation = "linear"};
  if (app == "MobileNetV2")
    return applications::MobileNetV2({.input_shape = o.input_shape,
                                      .alpha = a.value("alpha", 1.0),
                                      .include_top = o.include_top,
                                      .pooling = o.pooling,
                                      .classes = o.classes,
                                      .classifier_activation = "linear"});
  if (app == "ResNet50") return applications::ResNet50(o);
  if (app == "EfficientNetB0") return applications::EfficientNetB0(o);
  if (app == "VGG16") return applications::VGG16(o);
  if (app == "DenseNet121") return applications::DenseNet121(o);
  throw std::runtime_error("unknown application " + app);
}

void CheckModel(const std::string& dir, const json& e) {
  const std::string file = e["file"], path = dir + "/" + file;
  std::cout << file << " (" << e["application"].get<std::string>() << ", Keras "
            << e["keras_version"].get<std::string>() << ")\n";
  const Tensor x = kiln::npy::Load(dir + "/" + e["x"].get<std::string>());
  std::vector<Tensor> ys = {kiln::npy::Load(dir + "/" + e["y"].get<std::string>())};
  if (e.contains("y_tensorflow"))
    ys.push_back(kiln::npy::Load(dir + "/" + e["y_tensorflow"].get<std::string>()));
  std::vector<std::string> names, keras3_names;  // as in the file; as Kiln's builders name them
  for (const json& n : e["layers"]) names.push_back(n), keras3_names.push_back(Keras3Name(n));
  names.erase(names.begin());  // the InputLayer
  keras3_names.erase(keras3_names.begin());
  const int64_t params = e["count_params"];

  std::unique_ptr<Model> loaded = load_model(path);
  Check(LayerNames(*loaded) == names,
        "load_model: Keras's " + std::to_string(names.size()) + " layer names in order");
  Check(loaded->count_params() == params, "load_model: count_params " +
                                              std::to_string(loaded->count_params()) + " = " +
                                              std::to_string(params));
  Check(Close(loaded->predict(x), ys), "load_model: the prediction");

  backend::clear_session();  // Keras named the unnamed layers in a fresh session too
  Model built = Build(e["application"], e["arguments"]);
  const std::string built_diff = FirstDifference(LayerNames(built), keras3_names);
  Check(built_diff.empty(), "Kiln's builder: the same layer names" + built_diff);
  Check(built.count_params() == params,
        "Kiln's builder: count_params " + std::to_string(built.count_params()));
  const int64_t trainable = applications::TrainableParams(built);
  Check(trainable == e["trainable_params"].get<int64_t>(),
        "Kiln's builder: " + std::to_string(trainable) + " trainable params");
  // Keras loads .keras files by position only; .h5 files both ways, but by name only where the
  // names are Kiln's (not tf.keras's DenseNet stem).
  const bool h5 =
      path.ends_with(".h5") && !(e["writer"] == "tfkeras" && e["application"] == "DenseNet121");
  built.load_weights(path, /*by_name=*/h5);
  Check(Close(built.predict(x), ys), std::string("Kiln's builder, load_weights ") +
                                         (h5 ? "by name" : "by position") + ": the prediction");
}

void CheckStep(const std::string& dir, const json& s) {
  const std::string file = s["file"];
  std::cout << file << " (one SGD step)\n";
  std::unique_ptr<Model> m = load_model(dir + "/" + file);
  const Tensor x = kiln::npy::Load(dir + "/" + s["x"].get<std::string>());
  const Tensor t = kiln::npy::Load(dir + "/" + s["y"].get<std::string>());
  const double loss = m->evaluate(x, t, {.batch_size = x.shape()[0], .verbose = 0})[0];
  const double want_loss = s["loss_before"];
  Check(std::abs(loss - want_loss) <= 1e-4 * std::abs(want_loss),
        "loss before the step " + std::to_string(loss) + " = Keras's " + std::to_string(want_loss));
  const std::vector<Tensor> before = m->get_weights();
  m->fit(x, t, {.batch_size = x.shape()[0], .epochs = 1, .verbose = 0, .shuffle = false});
  const std::vector<Tensor> after = m->get_weights();
  const auto files = s["after"].get<std::vector<std::string>>();
  if (after.size() != files.size()) {
    Check(false,
          std::to_string(after.size()) + " weights, Keras has " + std::to_string(files.size()));
    return;
  }
  std::vector<bool> statistic;  // get_weights()'s order
  std::vector<std::string> weight_names;
  for (const auto& l : m->layers())
    for (const Weight& w : l->weights()) {
      statistic.push_back(w.name.starts_with("moving_"));
      weight_names.push_back(l->name() + "/" + w.name);
    }
  std::string worst;
  // Trainable weights: how far Kiln's update is from Keras's, relative to the largest update
  // (a weight whose true gradient is zero, as each projection's BatchNormalization beta in front
  // of the next one, has only rounding noise, which per-weight scales would magnify).
  // Moving statistics: their values, relative to each one's scale.
  double update_diff = 0, update_scale = 0, statistics = 0;
  for (size_t i = 0; i < after.size(); ++i) {
    const Tensor want = kiln::npy::Load(dir + "/" + files[i]);
    if (want.shape() != after[i].shape()) {
      Check(false, "weight " + std::to_string(i) + " has Keras's shape");
      return;
    }
    if (statistic[i]) {
      statistics = std::max(statistics, RelativeError(after[i], want));
      continue;
    }
    const std::vector<float> k = after[i].ToVector<float>(), w = want.ToVector<float>(),
                             b = before[i].ToVector<float>();
    for (size_t j = 0; j < w.size(); ++j) {
      if (std::abs(double(k[j]) - w[j]) > update_diff) worst = weight_names[i];
      update_diff = std::max(update_diff, std::abs(double(k[j]) - w[j]));
      update_scale = std::max(update_scale, std::abs(double(w[j]) - b[j]));
    }
  }
  // The file's bound: 1e-4, or wider where the update crosses a ReLU6 kink within rounding
  // (write_keras_applications.py says why).
  const double spread = s["keras_update_spread"], bound = s["update_bound"];
  Check(update_diff / update_scale <= bound,
        "the update within " + std::to_string(update_diff / update_scale) +
            " of Keras's, relative to the largest, worst at " + worst + " (bound " +
            std::to_string(bound) + "; tf.keras's and Keras 3's own updates differ by " +
            std::to_string(spread) + ")");
  const double loss_after = m->evaluate(x, t, {.batch_size = x.shape()[0], .verbose = 0})[0];
  const double want_after = s["loss_after"];
  Check(std::abs(loss_after - want_after) <= 1e-4 * std::abs(want_after),
        "loss after the step " + std::to_string(loss_after) + " = Keras's " +
            std::to_string(want_after));
  Check(statistics <= 1e-4, "BatchNormalization's moving statistics within " +
                                std::to_string(statistics) + " of Keras's");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: check_keras_applications OUT\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::ifstream in(dir + "/applications.json");
  const json manifest = json::parse(in);
  for (const json& e : manifest["models"]) {
    try {
      CheckModel(dir, e);
    } catch (const std::exception& ex) {
      Check(false, std::string("error: ") + ex.what());
    }
  }
  for (const json& s : manifest["steps"]) {
    try {
      CheckStep(dir, s);
    } catch (const std::exception& ex) {
      Check(false, std::string("error: ") + ex.what());
    }
  }
  std::cout << (failures ? std::to_string(failures) + " checks failed" : "all checks passed")
            << "\n";
  return failures ? 1 : 0;
}

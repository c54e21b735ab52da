// The Kiln side of the real-Keras resumed-training test (keras_interop_test.sh).
//
//   resume_models write OUT_DIR
//     For each optimizer and target Keras: Input(4) -> Dense(5, tanh) -> Dense(2), mse, 3 steps
//     on fixed data, saved as OUT_DIR/<target>_<optimizer>.h5; then 2 more steps in Kiln on
//     OUT_DIR/resume_x.npy, resume_y.npy (batches of 8), whose weights go to
//     <target>_<optimizer>.after.<i>.npy. Also a sparse-label classifier compiled with "accuracy"
//     (sparse.h5, sparse.x.npy, sparse.labels.npy, and Kiln's evaluate() in sparse.evaluate.npy),
//     and a binary classifier with configured metric objects and weighted_metrics
//     (<target>_metrics.h5, metrics.x/y/w.npy, and Kiln's weighted evaluate() in
//     <target>_metrics.evaluate.npy, named in <target>_metrics.names.txt).
//   resume_models resume MODEL X.npy Y.npy OUT_PREFIX
//     Loads MODEL (compiled, its optimizer state restored: any warning fails), trains on X, Y in
//     batches of 8 without shuffling, and writes the weights to OUT_PREFIX.<i>.npy.
#include <fstream>
#include <iostream>
#include <random>

#include "graph/logging.h"
#include "io/npy.h"
#include "keras/keras.h"

using namespace kiln::keras;

namespace {

Tensor Fixed(kiln::Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.f, 1.f);
  Tensor t(kFloat32, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = n(rng);
  return t;
}

void SaveWeights(const Model& m, const std::string& prefix) {
  const std::vector<Tensor> w = m.get_weights();
  for (size_t i = 0; i < w.size(); ++i)
    kiln::npy::Save(prefix + "." + std::to_string(i) + ".npy", w[i]);
}

const FitOptions kSteps = {.batch_size = 8, .epochs = 1, .verbose = 0, .shuffle = false};

void Write(const std::string& dir) {
  const Tensor x = Fixed({24, 4}, 1), y = Fixed({24, 2}, 2);
  const Tensor rx = Fixed({16, 4}, 3), ry = Fixed({16, 2}, 4);
  kiln::npy::Save(dir + "/resume_x.npy", rx);
  kiln::npy::Save(dir + "/resume_y.npy", ry);
  struct Case {
    std::string name;
    std::function<OptimizerRef()> optimizer;
  };
  const std::vector<Case> cases = {
      {"sgd-momentum", [] { return optimizers::SGD({.learning_rate = 0.05, .momentum = 0.9}); }},
      {"sgd-nesterov",
       [] { return optimizers::SGD({.learning_rate = 0.05, .momentum = 0.9, .nesterov = true}); }},
      {"rmsprop", [] { return optimizers::RMSprop({.learning_rate = 0.01}); }},
      {"adam", [] { return optimizers::Adam({.learning_rate = 0.01}); }},
      {"adamw", [] { return optimizers::AdamW({.learning_rate = 0.01, .weight_decay = 0.05}); }},
      {"adagrad", [] { return optimizers::Adagrad({.learning_rate = 0.05}); }},
      {"adadelta", [] { return optimizers::Adadelta({.learning_rate = 0.5}); }},
      {"adamax", [] { return optimizers::Adamax({.learning_rate = 0.01}); }},
      {"nadam", [] { return optimizers::Nadam({.learning_rate = 0.01}); }},
      {"ftrl",
       [] {
         return optimizers::Ftrl({.learning_rate = 0.05, .l1_regularization_strength = 0.001});
       }},
      {"lion", [] { return optimizers::Lion({.learning_rate = 0.005}); }},
      {"adam-schedule",
       [] {
         return optimizers::Adam(
             {.learning_rate = optimizers::schedules::ExponentialDecay(
                  {.initial_learning_rate = 0.01, .decay_steps = 2, .decay_rate = 0.5})});
       }},
      {"adam-ema",
       [] {
         return optimizers::Adam({.learning_rate = 0.01,
                                  .use_ema = true,
                                  .ema_momentum = 0.8,
                                  .ema_overwrite_frequency = 3});
       }},
      // Keras 2 rules: written as tf.keras's optimizer_v2, which tf.keras continues with.
      {"rmsprop-keras2",
       [] { return optimizers::RMSprop({.learning_rate = 0.01, .rules = UpdateRules::kKeras2}); }},
      {"adam-keras2",
       [] { return optimizers::Adam({.learning_rate = 0.01, .rules = UpdateRules::kKeras2}); }},
  };
  for (const auto& [target, label] :
       {std::pair{KerasTarget::kTfKeras2, "tfkeras"}, std::pair{KerasTarget::kKeras3, "keras3"}}) {
    for (const Case& c : cases) {
      // Keras 3 has no Keras 2 rules to continue with.
      if (target == KerasTarget::kKeras3 && c.name.ends_with("-keras2")) continue;
      utils::set_random_seed(1);
      Sequential m(
          {Input({.shape = {4}}), layers::Dense(5, {.activation = "tanh"}), layers::Dense(2)});
      m.compile({.optimizer = c.optimizer(), .loss = "mse"});
      m.fit(x, y, kSteps);
      const std::string base = dir + "/" + label + "_" + c.name;
      m.save(base + ".h5", {.target = target});
      // Two steps, as Keras continues the file (train_on_batch; fit's end would also copy EMA's
      // averages into the weights).
      for (int64_t s = 0; s < rx.dim(0); s += 8)
        m.train_on_batch(rx.Slice(s, s + 8), ry.Slice(s, s + 8));
      SaveWeights(m, base + ".after");
    }
  }
  // Loss objects with arguments: each Keras rebuilds them from the file and evaluates what Kiln
  // evaluates (loss_<name>.x/.y.npy, <target>_loss_<name>.h5 and .evaluate.npy).
  Tensor classes(kFloat32, {16, 3});
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 3; ++j) classes.data<float>()[i * 3 + j] = (i % 3 == j) ? 1.f : 0.f;
  struct LossCase {
    std::string name;
    losses::Loss loss;
    Tensor y;
  };
  const std::vector<LossCase> loss_cases = {
      {"huber", losses::Huber(0.5), Fixed({16, 3}, 6)},
      {"cce-logits", losses::CategoricalCrossentropy({.from_logits = true, .label_smoothing = 0.1}),
       classes},
      {"msle-sum",
       losses::Loss::FromConfig(
           {{"class_name", "MeanSquaredLogarithmicError"}, {"config", {{"reduction", "sum"}}}}),
       Fixed({16, 3}, 7)},
  };
  for (const LossCase& c : loss_cases) {
    kiln::npy::Save(dir + "/loss_" + c.name + ".x.npy", rx);
    kiln::npy::Save(dir + "/loss_" + c.name + ".y.npy", c.y);
    for (const auto& [target, label] : {std::pair{KerasTarget::kTfKeras2, "tfkeras"},
                                        std::pair{KerasTarget::kKeras3, "keras3"}}) {
      utils::set_random_seed(3);
      Sequential m({Input({.shape = {4}}), layers::Dense(3)});
      m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.05}), .loss = c.loss});
      m.fit(rx, c.y.Slice(0, 16), {.batch_size = 8, .epochs = 1, .verbose = 0, .shuffle = false});
      m.fit(rx.Slice(0, 8), c.y.Slice(0, 8), kSteps);  // 3 steps in all, as the resume files
      const std::string base = dir + "/" + label + "_loss_" + c.name;
      m.save(base + ".h5", {.target = target});
      const std::vector<double> score = m.evaluate(rx, c.y, {.batch_size = 16, .verbose = 0});
      // And weighted: sample i weighs i / 4 (the first not at all).
      Tensor w(kFloat32, {16});
      for (int i = 0; i < 16; ++i) w.data<float>()[i] = 0.25f * static_cast<float>(i);
      const std::vector<double> weighted =
          m.evaluate(rx, c.y, {.batch_size = 16, .verbose = 0, .sample_weight = w});
      kiln::npy::Save(base + ".evaluate.npy",
                      Tensor::FromVector<double>({score[0], weighted[0]}, {2}));
    }
  }
  // Sparse labels with "accuracy": Kiln resolves it to sparse_categorical_accuracy from the loss.
  utils::set_random_seed(2);
  const Tensor sx = Fixed({64, 6}, 5);
  Tensor labels(kFloat32, {64});
  for (int i = 0; i < 64; ++i)
    labels.data<float>()[i] = static_cast<float>(sx.data<float>()[i * 6] > 0 ? 2 : i % 2);
  Sequential s({Input({.shape = {6}}), layers::Dense(3, {.activation = "softmax"})});
  s.compile({.optimizer = optimizers::SGD({.learning_rate = 0.5}),
             .loss = "sparse_categorical_crossentropy",
             .metrics = {"accuracy"}});
  s.fit(sx, labels, {.batch_size = 16, .epochs = 3, .verbose = 0, .shuffle = false});
  s.save(dir + "/sparse.h5");
  kiln::npy::Save(dir + "/sparse.x.npy", sx);
  kiln::npy::Save(dir + "/sparse.labels.npy", labels.astype(kiln::kInt32));
  const std::vector<double> score = s.evaluate(sx, labels, {.batch_size = 64, .verbose = 0});
  kiln::npy::Save(dir + "/sparse.evaluate.npy",
                  Tensor::FromVector<double>({score[0], score[1]}, {2}));

  // Configured metric objects and weighted metrics, which each Keras rebuilds from the file.
  const Tensor mx = Fixed({40, 4}, 8);
  Tensor my(kFloat32, {40, 1}), mw(kFloat32, {40});
  for (int i = 0; i < 40; ++i) {
    // A linear rule with every fifth label flipped, so that no metric is trivially 1.
    const bool positive = mx.data<float>()[i * 4] + 0.3f * mx.data<float>()[i * 4 + 1] > 0;
    my.data<float>()[i] = positive != (i % 5 == 0) ? 1.f : 0.f;
    mw.data<float>()[i] = 0.1f * static_cast<float>(i % 7);  // some zero
  }
  kiln::npy::Save(dir + "/metrics.x.npy", mx);
  kiln::npy::Save(dir + "/metrics.y.npy", my);
  kiln::npy::Save(dir + "/metrics.w.npy", mw);
  for (const auto& [target, label] :
       {std::pair{KerasTarget::kTfKeras2, "tfkeras"}, std::pair{KerasTarget::kKeras3, "keras3"}}) {
    utils::set_random_seed(4);
    Sequential c({Input({.shape = {4}}), layers::Dense(1, {.activation = "sigmoid"})});
    c.compile(
        {.optimizer = optimizers::SGD({.learning_rate = 0.5}),
         .loss = "binary_crossentropy",
         .metrics = {metrics::AUC({.curve = "PR", .name = "pr_auc"}),
                     metrics::Precision({.thresholds = 0.3}), metrics::Recall({.thresholds = 0.7})},
         .weighted_metrics = {metrics::AUC({.num_thresholds = 50, .name = "w_auc"}),
                              "binary_accuracy"}});
    c.fit(mx, my, {.batch_size = 8, .epochs = 2, .verbose = 0, .shuffle = false});
    const std::string base = dir + "/" + label + "_metrics";
    c.save(base + ".h5", {.target = target});
    const std::vector<double> s =
        c.evaluate(mx, my, {.batch_size = 40, .verbose = 0, .sample_weight = mw});
    kiln::npy::Save(base + ".evaluate.npy", Tensor::FromVector<double>(s, {int64_t(s.size())}));
    std::ofstream names(base + ".names.txt");
    for (const std::string& n : c.metrics_names()) names << n << "\n";
  }
}

int Resume(const std::string& model_path, const std::string& x, const std::string& y,
           const std::string& prefix) {
  std::vector<std::string> warnings;
  kiln::SetLogSink([&](kiln::LogLevel, std::string_view m) { warnings.emplace_back(m); });
  auto m = load_model(model_path);
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  if (!warnings.empty() || !m->compiled()) return 1;
  std::cout << model_path << ": " << m->optimizer()->class_name() << ", "
            << m->optimizer()->iterations() << " steps taken\n";
  m->fit(kiln::npy::Load(x), kiln::npy::Load(y), kSteps);
  SaveWeights(*m, prefix);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 2 && a[0] == "write") {
      Write(a[1]);
      return 0;
    }
    if (a.size() == 5 && a[0] == "resume") return Resume(a[1], a[2], a[3], a[4]);
    std::cerr << "usage: resume_models write OUT_DIR | resume MODEL X.npy Y.npy OUT_PREFIX\n";
    return 2;
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

// Keras models: Sequential (and the Model base it shares with future functional models).
//
//   Sequential model;
//   model.add(layers::Flatten({.input_shape = {28, 28}}));
//   model.add(layers::Dense(128, {.activation = "relu"}));
//   model.add(layers::Dense(10, {.activation = "softmax"}));
//   model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}),
//                  .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
//   model.summary();
//   History h = model.fit(x_train, y_train, {.batch_size = 32, .epochs = 20});
//   std::vector<double> score = model.evaluate(x_test, y_test, {.verbose = 0});  // loss, accuracy
//   Tensor probs = model.predict(x_test);
//
// compile() lowers the whole training step once: forward graph, loss, BuildBackward, optimizer
// updates. fit/evaluate/predict run planned graphs through the Executor; nothing is rebuilt per
// step. Inputs of any numeric dtype are converted to the model's input dtype once per call (float32
// unless an InputLayer declares another), as Keras converts them to the Input's dtype. Errors are
// kiln::Error subclasses with Keras's wording where Keras has one.
#pragma once

#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "graph/variable_store.h"
#include "keras/layers/layer.h"
#include "keras/optimizers.h"
#include "keras/progbar.h"
#include "kernels/executor.h"

namespace kiln::keras {

struct CompileOptions {
  OptimizerRef optimizer = "sgd";
  std::string loss = "";
  std::vector<std::string> metrics = {};
};

enum class ProgressStyle {
  kSamples,  // Keras 2.3.1: "60000/60000 [====...] - 3s 47us/step"
  kSteps,    // tf.keras: "1875/1875 [====...] - 3s 2ms/step"
};

struct FitOptions {
  int64_t batch_size = 32;
  int epochs = 1;
  int verbose = 1;
  bool shuffle = true;
  double validation_split = 0.0;
  std::optional<std::pair<Tensor, Tensor>> validation_data = std::nullopt;
  int initial_epoch = 0;
  ProgressStyle progress = ProgressStyle::kSamples;
  std::ostream* out = &std::cout;
  Clock clock = nullptr;                       // for tests; default steady clock
  std::optional<bool> dynamic = std::nullopt;  // rewrite the bar in place; default: stdout is a TTY
};

struct EvaluateOptions {
  int64_t batch_size = 32;
  int verbose = 1;
  std::ostream* out = &std::cout;
  Clock clock = nullptr;
};

struct PredictOptions {
  int64_t batch_size = 32;
};

// Which Keras a saved .h5 is for. Both read the model and its weights from either; they differ in
// the optimizer: each restores its state by position, in its own order, and continues with its
// own arithmetic, so the file says which Keras's form the optimizer is written in.
enum class KerasTarget {
  // tf.keras 2.x (keras_version 2.12.0). The optimizer is written as tf.keras's optimizer_v2
  // (loadable by every tf.keras 2.x and by Keras 3, which starts a fresh optimizer state) when it
  // computes what optimizer_v2 computes (SGD; RMSprop and Adam with Keras 2 rules); otherwise as
  // tf.keras 2.11+'s optimizers, which only tf.keras 2.11+ can compile.
  kTfKeras2,
  // Keras 3 (keras_version 3.15.1): Keras 3's optimizer config and state order. tf.keras loads
  // the model and weights, and starts a fresh optimizer state.
  kKeras3,
};

struct SaveOptions {
  KerasTarget target = KerasTarget::kTfKeras2;
};

struct History {
  std::vector<int> epoch;
  std::map<std::string, std::vector<double>> history;  // "loss", "accuracy", "val_loss", ...
};

class Model {
 public:
  virtual ~Model() = default;

  void compile(CompileOptions options);
  History fit(const Tensor& x, const Tensor& y, FitOptions options = {});
  std::vector<double> evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options = {});
  // Safe to call on one model from several threads at once (the calls take turns); not while
  // the same model trains.
  Tensor predict(const Tensor& x, PredictOptions options = {});

  // Keras HDF5 files (legacy full-model format, which tf.keras and Keras 3 load), with the
  // optimizer's state in the form `options.target` restores. Writes a temporary file and renames
  // it, so a failure never leaves a half-written file (keras/saving/).
  void save(const std::string& path, SaveOptions options = {});
  void save_weights(const std::string& path);
  // Legacy full-model or weights-only .h5 (matched by position, or by layer name), or a Keras 3
  // .weights.h5 or .keras (matched by position and class, as Keras 3 stores them); the format is
  // detected from the content.
  void load_weights(const std::string& path, bool by_name = false);
  // Kiln's own graph file (.kiln, FlatBuffers): the optimized inference graph and its weights;
  // with `training`, also the training step and the optimizer state, so training can resume from
  // the file with kiln::Runtime alone. (`export` is a C++ keyword, hence the name.)
  void export_graph(const std::string& path, bool training = false);

  // Keras's classic summary table (65 columns).
  void summary(std::ostream& out = std::cout);
  std::vector<Tensor> get_weights() const;
  // Copies into the existing weights; throws kiln::ValueError / ShapeError on a count or shape
  // mismatch, naming the layer and weight.
  void set_weights(const std::vector<Tensor>& weights);

  const std::string& name() const { return name_; }
  // Like Keras's model.layers: a Sequential's InputLayer is not among them.
  const std::vector<std::shared_ptr<Layer>>& layers() const { return layers_; }
  // The input's name: the InputLayer's, else "<first layer>_input" as Keras names it.
  std::string input_name() const;
  std::shared_ptr<Layer> get_layer(const std::string& name) const;
  std::vector<std::string> metrics_names() const;
  int64_t count_params();
  bool compiled() const { return compiled_; }
  const CompileOptions& compile_options() const { return compile_options_; }
  Optimizer* optimizer() const { return compile_options_.optimizer.get().get(); }
  // Builds every layer for the declared input shape; throws kiln::ValueError when no layer
  // declares one. Called by compile/fit/predict/summary.
  void Build();
  // The model's input shape, batch dimension included ((None, 28, 28)).
  Shape input_shape();
  // The input's dtype: the InputLayer's (int32 for token ids), else float32.
  DType input_dtype() const;
  Shape output_shape();
  // The lowered graphs: forward only (predict), and the full training step once compiled, as
  // lowered and as the optimizer passes left them (what the executors run), with the passes'
  // report.
  const Graph& forward_graph();
  const Graph& training_graph() const { return train_.graph; }
  const Graph& optimized_forward_graph();
  const Graph& optimized_training_graph() const { return train_.optimized; }
  const std::string& forward_pass_report() {
    forward_graph();
    return forward_.pass_report;
  }
  const std::string& training_pass_report() const { return train_.pass_report; }

  // What an exporter needs: an optimized graph with its inputs, fetched outputs and update targets.
  struct GraphView {
    const Graph& graph;
    std::vector<ValueRef> inputs;
    std::vector<ValueRef> outputs;
    std::vector<int> targets;
  };
  GraphView serving_view();
  GraphView training_view() const;  // requires compile()
  const VariableStore& variables() const { return variables_; }

 protected:
  explicit Model(std::string name);
  // Forgets the built graphs after the layer list changes.
  void Invalidate();
  std::string name_;
  std::shared_ptr<Layer> input_layer_;  // optional, declares the input shape
  std::vector<std::shared_ptr<Layer>> layers_;

 private:
  // The Variable nodes one lowering made for a layer's weights and states.
  struct LayerVariables {
    std::vector<ValueRef> weights, states;
  };
  struct Lowered {
    Graph graph;  // as lowered
    std::map<const Layer*, LayerVariables> variables;
    Graph optimized;  // after the optimizer passes: what the executor runs
    std::string pass_report;
    ValueRef x, y_true, y_pred, loss;
    std::vector<ValueRef> metrics;
    std::vector<int> updates;
    std::unique_ptr<Executor> executor;
  };
  ValueRef LowerForward(GraphBuilder& b, Lowered& l, bool training);
  // Adds the loss and metrics for compile_options_ to a lowered forward graph.
  void LowerLossAndMetrics(GraphBuilder& b, Lowered& l);
  // Optimizes l.graph keeping `fetches` and l.updates, and plans the executor.
  void Plan(Lowered& l, std::vector<ValueRef> fetches);
  Tensor PrepareInput(const Tensor& x);
  Tensor PrepareTarget(const Tensor& y, int64_t samples);
  // The checks and conversions fit and evaluate share.
  std::pair<Tensor, Tensor> PrepareTraining(const Tensor& x, const Tensor& y, int64_t batch_size,
                                            const char* what);
  std::vector<double> RunEvaluation(const Tensor& x, const Tensor& y, int64_t batch_size,
                                    Progbar* bar);

  bool built_ = false;
  bool compiled_ = false;
  CompileOptions compile_options_;
  VariableStore variables_;
  Lowered forward_, train_, eval_;
  // predict() may be called from several threads at once; they share forward_'s buffers.
  std::unique_ptr<std::mutex> predict_mutex_ = std::make_unique<std::mutex>();
};

class Sequential : public Model {
 public:
  explicit Sequential(std::vector<LayerRef> layers = {}, std::string name = "");
  // Appends a layer; throws kiln::ValueError on a duplicate layer name.
  void add(LayerRef layer);
};

}  // namespace kiln::keras

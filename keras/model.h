// Keras models: functional models (Model(inputs, outputs)) and Sequential, which is one.
//
//   KerasTensor inputs = Input({.shape = {28, 28, 1}, .name = "image"});
//   KerasTensor x = layers::Conv2D(8, 3, {.padding = "same", .activation = "relu"})(inputs);
//   KerasTensor y = layers::Conv2D(8, {3, 3}, {.padding = "same"})(x);
//   x = layers::Activation("relu")(layers::Add()({x, y}));             // residual
//   KerasTensor out = layers::Dense(10, {.activation = "softmax"})(layers::Flatten()(x));
//   Model model({.inputs = {inputs}, .outputs = {out}, .name = "resnet_block"});
//
//   Sequential seq;
//   seq.add(layers::Flatten({.input_shape = {28, 28}}));
//   seq.add(layers::Dense(10, {.activation = "softmax"}));
//   seq.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}),
//                .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
//   History h = seq.fit(x_train, y_train, {.batch_size = 32, .epochs = 20});
//   std::vector<double> score = seq.evaluate(x_test, y_test, {.verbose = 0});  // loss, accuracy
//   Tensor probs = seq.predict(x_test);
//
// Several inputs or outputs: fit/evaluate take Arrays (one tensor, a list in the model's order, or
// a map by input/output name); compile takes one loss for every output, a list, or a map by output
// name, with loss_weights; predict_all returns every output. History and metrics_names follow
// tf.keras: "loss", then "<output>_loss" per output, then "<output>_<metric>".
//
// A model is a Layer: it can be called on tensors inside another model (its weights are shared).
// compile() lowers the whole training step once: forward graph, losses, BuildBackward, optimizer
// updates. fit/evaluate/predict run planned graphs through the Executor; nothing is rebuilt per
// step. Inputs of any numeric dtype are converted to the input's dtype once per call (float32
// unless an Input declares another). Errors are kiln::Error subclasses with Keras's wording where
// Keras has one.
#pragma once

#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "graph/variable_store.h"
#include "keras/callbacks/callback.h"
#include "keras/callbacks/progbar_logger.h"
#include "keras/layers/layer.h"
#include "keras/losses.h"
#include "keras/metrics.h"
#include "keras/optimizers.h"
#include "keras/progbar.h"
#include "keras/summary.h"
#include "kernels/executor.h"

namespace kiln::keras {

// compile()'s loss, loss_weights and metrics in each of Keras's forms: one for every output, a
// list in the model's output order, or a map by output name.
//   .loss = "mse"   .loss = {"mse", "categorical_crossentropy"}   .loss = {{"cls", "mse"}}
template <typename T>
struct PerOutput {
  PerOutput() = default;
  PerOutput(T one) : one(std::move(one)), given(true) {}                  // NOLINT
  PerOutput(std::vector<T> list) : list(std::move(list)), given(true) {}  // NOLINT
  PerOutput(std::map<std::string, T> by_name)
      : by_name(std::move(by_name)), given(true) {}  // NOLINT
  std::optional<T> one;
  std::vector<T> list;
  std::map<std::string, T> by_name;
  bool given = false;
};

struct LossSpec : PerOutput<losses::Loss> {
  using PerOutput::PerOutput;
  LossSpec(const char* one) : PerOutput(losses::Loss(one)) {}         // NOLINT
  LossSpec(const std::string& one) : PerOutput(losses::Loss(one)) {}  // NOLINT
  LossSpec(std::initializer_list<losses::Loss> l)                     // NOLINT
      : PerOutput(std::vector<losses::Loss>(l)) {}
  LossSpec(std::initializer_list<std::pair<const std::string, losses::Loss>> m)  // NOLINT
      : PerOutput(std::map<std::string, losses::Loss>(m)) {}
};

struct LossWeights : PerOutput<double> {
  using PerOutput::PerOutput;
  LossWeights(std::initializer_list<double> l)  // NOLINT
      : PerOutput(std::vector<double>(l)) {}
  LossWeights(std::initializer_list<std::pair<const std::string, double>> m)  // NOLINT
      : PerOutput(std::map<std::string, double>(m)) {}
};

// A list of metrics (names or metrics::Metric objects) applies to every output (as tf.keras); a
// map gives each output its own.
struct MetricsSpec {
  MetricsSpec() = default;
  MetricsSpec(std::vector<metrics::Metric> all) : all(std::move(all)) {}  // NOLINT
  MetricsSpec(std::initializer_list<metrics::Metric> l) : all(l) {}       // NOLINT
  MetricsSpec(const std::vector<std::string>& names)                      // NOLINT
      : all(names.begin(), names.end()) {}
  MetricsSpec(std::map<std::string, std::vector<metrics::Metric>> m)
      : by_name(std::move(m)) {}  // NOLINT
  MetricsSpec(                    // NOLINT
      std::initializer_list<std::pair<const std::string, std::vector<metrics::Metric>>> m)
      : by_name(m) {}
  std::vector<metrics::Metric> all;
  std::map<std::string, std::vector<metrics::Metric>> by_name;
};

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct CompileOptions {
  OptimizerRef optimizer = "sgd";
  LossSpec loss = {};
  LossWeights loss_weights = {};
  MetricsSpec metrics = {};
  // Metrics that weigh each sample by its sample_weight (and class_weight), as Keras's
  // weighted_metrics; named like the others, "weighted_<name>" where a plain metric of the same
  // output has the name. `metrics` ignore the weights, as in Keras.
  MetricsSpec weighted_metrics = {};
};

// Arrays for a model's inputs or targets: one tensor, a list in the model's order, or a map by
// input (or output) name.  model.fit({x_image, x_meta}, {{"cls", y_cls}, {"reg", y_reg}});
struct Arrays {
  Arrays() = default;
  Arrays(Tensor one) : list{std::move(one)} {}                                           // NOLINT
  Arrays(std::vector<Tensor> list) : list(std::move(list)) {}                            // NOLINT
  Arrays(std::initializer_list<Tensor> l) : list(l) {}                                   // NOLINT
  Arrays(std::map<std::string, Tensor> m) : by_name(std::move(m)) {}                     // NOLINT
  Arrays(std::initializer_list<std::pair<const std::string, Tensor>> m) : by_name(m) {}  // NOLINT
  std::vector<Tensor> list;
  std::map<std::string, Tensor> by_name;
};

enum class ProgressStyle {
  kSamples,  // Keras 2.3.1: "60000/60000 [====...] - 3s 47us/step"
  kSteps,    // tf.keras: "1875/1875 [====...] - 3s 2ms/step"
};

// fit's shuffle: true (each epoch a fresh random order), false, or "batch" (Keras 2.3.1's
// shuffle for HDF5 data: whole batches in a random order, a last partial batch last).
struct Shuffle {
  Shuffle(bool on) : on(on) {}  // NOLINT
  Shuffle(const char* mode);    // NOLINT: "batch"; throws kiln::ValueError otherwise
  bool on = true, batches = false;
};

// fit's validation_freq: every n-th epoch (n >= 1), or the epochs listed (counted from 1, as in
// Keras: {1, 5} validates after the first and the fifth).
struct ValidationFreq {
  ValidationFreq(int every) : every(every) {}                             // NOLINT
  ValidationFreq(std::initializer_list<int> epochs) : epochs(epochs) {}   // NOLINT
  ValidationFreq(std::vector<int> epochs) : epochs(std::move(epochs)) {}  // NOLINT
  // Throws kiln::ValueError for n < 1 or a listed epoch < 1.
  void Check() const;
  bool Due(int epoch) const;  // `epoch` counted from 0
  int every = 1;
  std::vector<int> epochs;
};

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct FitOptions {
  int64_t batch_size = 32;
  int epochs = 1;
  int verbose = 1;
  // Called in order at each hook (keras/callbacks/); History records the epoch logs after them.
  callbacks::CallbackList callbacks = {};
  double validation_split = 0.0;
  std::optional<std::pair<Arrays, Arrays>> validation_data = std::nullopt;
  Shuffle shuffle = true;
  // Class id -> weight, for a single-output model: each sample's weight is its class's (the
  // target's argmax, or the rounded target of a one-unit or sparse output; unlisted classes 1),
  // times its sample_weight.
  std::map<int64_t, double> class_weight = {};
  // One weight per sample scaling its loss: one array for every output, a list or a map by output
  // name (Keras's sample_weight). validation_split keeps the last fraction of them too.
  Arrays sample_weight = {};
  int initial_epoch = 0;
  // Batches per epoch, as Keras 3 takes them from arrays: the pass over the data continues into
  // the next epoch and starts again (reshuffled) once every batch was seen; an epoch that would
  // need more batches than a pass has left ends early with Keras's warning. The bar counts steps.
  std::optional<int64_t> steps_per_epoch = std::nullopt;
  ValidationFreq validation_freq = 1;
  // Kiln's own, after Keras's arguments.
  ProgressStyle progress = ProgressStyle::kSamples;
  std::ostream* out = &std::cout;
  Clock clock = nullptr;                       // for tests; default steady clock
  std::optional<bool> dynamic = std::nullopt;  // rewrite the bar in place; default: stdout is a TTY
};

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct EvaluateOptions {
  int64_t batch_size = 32;
  int verbose = 1;
  Arrays sample_weight = {};
  // Their on_test_* hooks run (batch logs: the running results; the end's: the results).
  callbacks::CallbackList callbacks = {};
  // Kiln's own, after Keras's arguments.
  std::ostream* out = &std::cout;
  Clock clock = nullptr;
};

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct OnBatchOptions {
  Arrays sample_weight = {};
  std::map<int64_t, double> class_weight = {};  // train_on_batch only
};

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct PredictOptions {
  int64_t batch_size = 32;
  // Their on_predict_* hooks run, with empty logs (Kiln's logs hold numbers, not the outputs).
  callbacks::CallbackList callbacks = {};
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

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct SaveOptions {
  KerasTarget target = KerasTarget::kTfKeras2;
};

struct History {
  std::vector<int> epoch;
  std::map<std::string, std::vector<double>> history;  // "loss", "accuracy", "val_loss", ...
};

// One batch of fit, as train_step gets it: this batch's rows of every array fit was given (inputs,
// targets, and for a compiled model each output's sample weights), in order.
struct TrainBatch {
  std::vector<Tensor> x, y, sample_weight;
  int64_t size = 0;
};

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ModelOptions {
  std::vector<KerasTensor> inputs;
  std::vector<KerasTensor> outputs;
  std::string name = "";
};

class Model : public Layer {
  KILN_LAYER_CLASS(Model)

 public:
  // A functional model: the layers between `inputs` (Input tensors) and `outputs`. Throws
  // kiln::ValueError naming the tensor when an output depends on an input that is not given.
  explicit Model(ModelOptions options);
  Model(Model&&) = default;
  Model& operator=(Model&&) = default;
  ~Model() override = default;

  void compile(CompileOptions options);
  History fit(const Arrays& x, const Arrays& y, FitOptions options = {});
  std::vector<double> evaluate(const Arrays& x, const Arrays& y, EvaluateOptions options = {});
  // The first output (the only one of most models). Safe to call on one model from several
  // threads at once (the calls take turns); not while the same model trains.
  Tensor predict(const Arrays& x, PredictOptions options = {});
  // Every output, in the model's output order.
  std::vector<Tensor> predict_all(const Arrays& x, PredictOptions options = {});
  // One step on one whole batch (Keras's train_on_batch): the loss and metrics of that batch
  // alone, in metrics_names() order. The pieces of a training loop of one's own: a GAN alternates
  // its discriminator's step and the combined model's, whose discriminator was frozen before the
  // combined model's compile (each model trains what was trainable when it compiled).
  std::vector<double> train_on_batch(const Arrays& x, const Arrays& y, OnBatchOptions options = {});
  // The loss and metrics of one batch; nothing is trained.
  std::vector<double> test_on_batch(const Arrays& x, const Arrays& y, OnBatchOptions options = {});
  Tensor predict_on_batch(const Arrays& x);
  // Keras's train_step: what fit does with each batch. The default runs the compiled training
  // step and returns the epoch's running loss and metrics. A subclass may train its own way (a
  // GAN: its discriminator's and its combined model's train_on_batch) and return the logs to show
  // and record (the last batch's are the epoch's). fit on a model that is not compiled hands the
  // arrays over as given (lists with the same number of samples; `y` may be empty), without
  // validation or weights, so such a train_step needs no compile of the model itself.
  virtual callbacks::Logs train_step(const TrainBatch& batch);

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
  // An ONNX file (opset 17) of the inference graph, for onnxruntime and other runtimes
  // (keras/saving/onnx_export.h says what exports). Throws kiln::ValueError naming every node
  // and layer without an ONNX equivalent, writing nothing.
  void export_onnx(const std::string& path);

  // Keras's summary table (65 columns; 98 with "Connected to" for functional models).
  void summary(std::ostream& out = std::cout);
  // The table's rows, one per layer (for tools that print it their own way).
  std::vector<SummaryRow> summary_rows();
  std::vector<Tensor> get_weights() const;
  // Copies into the existing weights; throws kiln::ValueError / ShapeError on a count or shape
  // mismatch, naming the layer and weight.
  void set_weights(const std::vector<Tensor>& weights);

  // Keras's model.layers: a functional model's InputLayers are among them, a Sequential's not.
  const std::vector<std::shared_ptr<Layer>>& layers() const { return layers_; }
  // Throws kiln::ValueError listing the layers when there is no layer `name`.
  std::shared_ptr<Layer> get_layer(const std::string& name) const;
  // The symbolic inputs and outputs (for a Sequential, once built).
  const std::vector<KerasTensor>& inputs();
  const std::vector<KerasTensor>& outputs();
  // The first input's name: its InputLayer's ("<first layer>_input" for a Sequential without
  // one, as Keras names it), and every input's and output's name.
  std::string input_name();
  std::vector<std::string> input_names();
  std::vector<std::string> output_names();
  std::vector<std::string> metrics_names();
  int64_t count_params();
  bool compiled() const { return compiled_; }
  // Keras's model.stop_training: a callback sets it to end fit after the current batch's epoch.
  bool stop_training = false;
  // Where fit is, besides the weights, the optimizer and the layers' states (BackupAndRestore
  // saves it): updated before on_train_batch_end (the batch done) and on_epoch_end (the next
  // epoch's start).
  struct FitPosition {
    int epoch = 0;                       // the epoch under way, or the next one
    int64_t step = 0;                    // its batches taken
    int64_t seen = 0;                    // batches taken of the current pass over the data
    std::string pass_generator;          // the global generator before this pass was shuffled
    metrics::Accumulator::State totals;  // the epoch's running metric statistics (step > 0)
  };
  // The epoch's running metrics are read from fit's accumulator here, not copied every batch.
  FitPosition fit_position() const;
  // From on_train_begin: fit continues at `position` (reshuffling its pass from the saved
  // generator) instead of starting at initial_epoch.
  void ResumeFit(FitPosition position) { resume_ = std::move(position); }
  const CompileOptions& compile_options() const { return compile_options_; }
  Optimizer* optimizer() const { return compile_options_.optimizer.get().get(); }
  // Builds the model; for a Sequential, every layer for the declared input shape (throws
  // kiln::ValueError when no layer declares one). Called by compile/fit/predict/summary.
  void Build();
  using Layer::Build;
  // The first input's and output's shapes, batch dimension included ((None, 28, 28)), and dtype
  // (the Input's: int32 for token ids, else float32).
  Shape input_shape();
  Shape output_shape();
  DType input_dtype();

  // Keras's node_index: which of its layer's calls `node` is, counting the calls in this model.
  int NodeIndex(const LayerNode& node) const;
  // The layer calls in call order (InputLayers' first).
  const std::vector<std::shared_ptr<const LayerNode>>& nodes() {
    Build();
    return nodes_;
  }

  // What compile() resolved for each output, in output order.
  struct OutputTraining {
    std::string name;  // the output layer's name
    losses::Loss loss;
    double weight = 1.0;
    Shape shape;  // the output's
    std::vector<metrics::Metric> metrics, weighted_metrics;
  };
  const std::vector<OutputTraining>& output_training() const { return output_training_; }

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
  const VariableStore& variables() const { return *variables_; }
  // Keras's model.reset_states(): every stateful recurrent layer's carried states back to zeros
  // (nested models' too).
  void reset_states();

  // The Layer interface, for a model called inside another model.
  std::string class_name() const override { return sequential_ ? "Sequential" : "Functional"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  std::vector<Shape> ComputeOutputShapes(std::span<const Shape> input_shapes) const override;
  // Sets every layer's too, as Keras's Model.trainable does.
  void set_trainable(bool trainable) override;
  std::vector<bool> TrainableMask() const override;
  std::vector<ValueRef> Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                             const CallContext& ctx) override;
  using Layer::Call;
  // The model's config (what model_config's "config" holds; model_config.h).
  nlohmann::json get_config() const override;

 protected:
  // A Sequential, built later from its layer list.
  Model(std::string name, bool sequential);
  // Forgets the built graphs after the layer list changes.
  void Invalidate();
  void BuildWeights(const Shape& input_shape) override;
  std::shared_ptr<Layer> input_layer_;  // a Sequential's, optional: declares the input shape

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
    std::vector<ValueRef> x, y_true, y_pred, sample_weight;
    ValueRef loss;
    // The total loss, each output's (unweighted) loss when there are several, then each output's
    // metrics: what metrics_names() names, in order; Fetches() lists their statistics.
    std::vector<metrics::LoweredMetric> reported;
    std::vector<int> updates;
    AddedLosses added;  // regularization terms, in the total loss
    std::unique_ptr<Executor> executor;
  };
  // The InputLayer Keras adds to a Sequential whose first layer declares `shape` (batch included),
  // named "<first layer>_input".
  std::shared_ptr<Layer> SequentialInputLayer(const Shape& shape) const;
  // Walks from the outputs to the inputs: the nodes in call order and Keras's layer list.
  void SetGraph(std::vector<KerasTensor> inputs, std::vector<KerasTensor> outputs);
  // Emits every node for `inputs` (one value per model input); `vars` gives each layer's
  // Variables.
  // ctx.training, .trainable, .losses and .updates apply to every layer; the weights come from
  // `vars`; ctx.masks are the inputs' masks. Each layer's masks go to the layers it feeds, and
  // the outputs' into `output_masks` when given.
  std::vector<ValueRef> LowerNodes(GraphBuilder& b, std::span<const ValueRef> inputs,
                                   const std::function<const LayerVariables&(const Layer&)>& vars,
                                   const CallContext& ctx,
                                   std::vector<ValueRef>* output_masks = nullptr) const;
  // with_losses: collect the layers' regularization losses (training and evaluation graphs).
  void LowerForward(GraphBuilder& b, Lowered& l, bool training, bool with_losses);
  // Adds the losses and metrics for compile_options_ to a lowered forward graph.
  void LowerLossAndMetrics(GraphBuilder& b, Lowered& l);
  // Optimizes l.graph keeping `fetches` and l.updates, and plans the executor.
  void Plan(Lowered& l, std::vector<ValueRef> fetches);
  std::vector<ValueRef> Fetches(const Lowered& l) const;
  // One array per input (or output), in order, from a list or a map by name; checked.
  std::vector<Tensor> PrepareInputs(const Arrays& x);
  std::vector<Tensor> PrepareTargets(const Arrays& y, int64_t samples);
  // Inputs, targets and per-output sample weights ([samples] each, ones when none are given).
  struct Data {
    std::vector<Tensor> x, y, sample_weight;
    int64_t samples() const { return x[0].dim(0); }
  };
  // The checks and conversions fit and evaluate share.
  Data PrepareTraining(const Arrays& x, const Arrays& y, const Arrays& sample_weight,
                       const std::map<int64_t, double>& class_weight, int64_t batch_size,
                       const char* what);
  std::vector<Tensor> PrepareSampleWeights(const Arrays& sample_weight,
                                           const std::map<int64_t, double>& class_weight,
                                           const std::vector<Tensor>& targets);
  std::vector<double> RunEvaluation(const Data& d, int64_t batch_size, Progbar* bar,
                                    const callbacks::CallbackList& callbacks);
  // fit's data for a model that is not compiled (a train_step of its own): the lists as given.
  Data UncheckedTrainingData(const Arrays& x, const Arrays& y, const FitOptions& o) const;
  // One compiled training step on `batch`, added to `totals`.
  void RunTrainStep(const TrainBatch& batch, metrics::Accumulator& totals);
  void ResolveOutputTraining(const CompileOptions& options);
  // Throws kiln::ValueError when the layers changed since compile() (Sequential::add).
  void RequireFreshCompile(const char* what) const;
  std::vector<Tensor> RunPredict(const Arrays& x, PredictOptions o, bool all);

  bool sequential_ = false;
  bool graph_built_ = false;
  std::vector<KerasTensor> inputs_, outputs_;
  std::vector<std::shared_ptr<const LayerNode>> nodes_;  // call order; InputLayer nodes first
  bool compiled_ = false;
  bool compile_stale_ = false;  // compiled, then the layer list changed
  CompileOptions compile_options_;
  std::vector<OutputTraining> output_training_;
  // Behind a pointer so that executors' pointers to it survive a move of the model.
  std::unique_ptr<VariableStore> variables_ = std::make_unique<VariableStore>();
  Lowered forward_, train_, eval_;
  // The optimized training step with every sample weight fixed at one (computed from the target's
  // batch size): what training_view() exports, taking the inputs and the targets alone.
  Graph train_unweighted_;
  // The running loss and metrics of fit's current epoch (the default train_step's).
  std::unique_ptr<metrics::Accumulator> epoch_totals_;
  FitPosition fit_position_;
  std::optional<FitPosition> resume_;
  // predict() may be called from several threads at once; they share forward_'s buffers.
  std::unique_ptr<std::mutex> predict_mutex_ = std::make_unique<std::mutex>();

 protected:
  std::vector<std::shared_ptr<Layer>> layers_;
};

class Sequential : public Model {
  KILN_LAYER_CLASS(Sequential)

 public:
  explicit Sequential(std::vector<LayerRef> layers = {}, std::string name = "");
  // Appends a layer; throws kiln::ValueError on a duplicate layer name. After compile(), the next
  // fit/evaluate throws kiln::ValueError until the model is compiled again (Keras 3 would rebuild
  // quietly; a step lowered for the old layers must never run on the new ones). predict, which
  // needs no compile, rebuilds its graph.
  void add(LayerRef layer);
};

}  // namespace kiln::keras

#include "keras/model.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <numeric>
#include <random>
#include <sstream>

#include "autodiff/backward.h"
#include "keras/backend.h"
#include "keras/layers/input_layer.h"
#include "keras/losses.h"
#include "keras/metrics.h"
#include "keras/summary.h"
#include "passes/pipeline.h"

namespace kiln::keras {
namespace {

// "(28, 28)" for (None, 28, 28): Keras's input-check messages leave the batch dimension out.
std::string ShapeWithoutBatch(const Shape& s) {
  return KerasShapeString(Shape(std::vector<int64_t>(s.dims().begin() + 1, s.dims().end())));
}

// Rows [begin, end) of x, gathered through `index` when shuffling, into `buffer`. The buffer is
// allocated once for the first (largest) batch; a shorter last batch is a view of its first rows,
// so an epoch allocates nothing.
Tensor Batch(const Tensor& x, const std::vector<int64_t>* index, int64_t begin, int64_t end,
             Tensor& buffer) {
  if (!index) return x.Slice(begin, end);
  const int64_t rows = end - begin;
  if (!buffer.valid() || buffer.dim(0) < rows) {
    std::vector<int64_t> dims = x.shape().dims();
    dims[0] = rows;
    buffer = Tensor(x.dtype(), Shape(dims));
  }
  const size_t row = x.nbytes() / static_cast<size_t>(std::max<int64_t>(1, x.dim(0)));
  const auto* src = static_cast<const std::byte*>(x.raw());
  auto* dst = static_cast<std::byte*>(buffer.raw());
  for (int64_t i = begin; i < end; ++i)
    std::memcpy(dst + (i - begin) * row, src + (*index)[i] * row, row);
  return buffer.Slice(0, rows);
}

}  // namespace

Model::Model(std::string name) : name_(std::move(name)) {}

Sequential::Sequential(std::vector<LayerRef> layers, std::string name)
    : Model(name.empty() ? backend::UniqueObjectName("sequential") : std::move(name)) {
  for (auto& l : layers) add(l);
}

void Sequential::add(LayerRef layer) {
  if (layer->class_name() == "InputLayer") {
    if (input_layer_ || !layers_.empty())
      throw ValueError("an InputLayer can only be the first layer of a Sequential model");
    input_layer_ = layer.get();
    Invalidate();
    return;
  }
  for (const auto& l : layers_)
    if (l->name() == layer->name())
      throw ValueError("All layers added to a Sequential model should have unique names. Name '" +
                       layer->name() + "' is already the name of a layer in this model.");
  layers_.push_back(layer.get());
  Invalidate();
  // Like Keras, a Sequential with a known input shape builds as layers are added, so its weights
  // exist (and shape errors surface) right away.
  if ((input_layer_ ? input_layer_ : layers_[0])->declared_input_shape()) Build();
}

void Model::Invalidate() {
  built_ = false;
  compiled_ = false;
  forward_ = Lowered{};
  train_ = Lowered{};
  eval_ = Lowered{};
}

std::shared_ptr<Layer> Model::get_layer(const std::string& name) const {
  for (const auto& l : layers_)
    if (l->name() == name) return l;
  throw NotFoundError("No such layer: " + name);
}

void Model::Build() {
  if (built_) return;
  if (layers_.empty()) throw ValueError("model '" + name_ + "' has no layers");
  const auto& declared =
      input_layer_ ? input_layer_->declared_input_shape() : layers_[0]->declared_input_shape();
  if (!declared)
    throw ValueError(
        "This model has not yet been built: give the first layer an input_shape "
        "(or input_dim), or start with an InputLayer");
  Shape shape = *declared;
  for (auto& l : layers_) {
    l->Build(shape);
    shape = l->output_shape();
  }
  // The store shares each weight's buffer, so training updates the layers' tensors in place.
  for (auto& l : layers_) {
    for (Weight& w : l->weights()) variables_.Set(l->name() + "/" + w.name, w.value);
    for (Weight& w : l->states()) variables_.Set(l->name() + "/" + w.name, w.value);
  }
  built_ = true;
}

Shape Model::input_shape() {
  Build();
  return layers_[0]->input_shape();
}

DType Model::input_dtype() const {
  const auto* input = dynamic_cast<const layers::InputLayer*>(input_layer_.get());
  return input ? input->dtype() : kFloat32;
}

std::string Model::input_name() const {
  if (input_layer_) return input_layer_->name();
  return layers_.empty() ? "input" : layers_[0]->name() + "_input";
}

Shape Model::output_shape() {
  Build();
  return layers_.back()->output_shape();
}

ValueRef Model::LowerForward(GraphBuilder& b, Lowered& l, bool training) {
  Build();
  l.x = b.Placeholder(input_name(), input_dtype(), input_shape());
  ValueRef h = l.x;
  for (auto& layer : layers_) {
    auto scope = b.Scope(layer->name());
    const DType dtype = b.type(h).dtype;
    if (dtype != kFloat32 && !(!IsFloating(dtype) && layer->KeepsIntegerInputs()))
      h = b.Op("Cast", {h}, {{"dtype", kFloat32}});
    LayerVariables& vars = l.variables[layer.get()];
    for (const Weight& w : layer->weights())
      vars.weights.push_back(b.Variable(w.name, w.value.dtype(), w.value.shape()));
    for (const Weight& w : layer->states())
      vars.states.push_back(b.Variable(w.name, w.value.dtype(), w.value.shape()));
    h = layer->Call(b, h,
                    {.training = training,
                     .updates = &l.updates,
                     .weights = vars.weights,
                     .states = vars.states});
  }
  return h;
}

void Model::Plan(Lowered& l, std::vector<ValueRef> fetches) {
  passes::PassOptions keep;
  for (const ValueRef& f : fetches) keep.keep.push_back(f.node);
  keep.keep.insert(keep.keep.end(), l.updates.begin(), l.updates.end());
  l.optimized = l.graph;
  std::ostringstream report;
  passes::RunDefaultPipeline(l.optimized, keep, &report);
  l.pass_report = report.str();
  l.executor = std::make_unique<Executor>(l.optimized, std::move(fetches), l.updates, &variables_);
}

const Graph& Model::forward_graph() {
  if (!forward_.executor) {
    GraphBuilder b(forward_.graph);
    forward_.y_pred = LowerForward(b, forward_, false);
    Plan(forward_, {forward_.y_pred});
  }
  return forward_.graph;
}

Model::GraphView Model::serving_view() {
  forward_graph();
  return {forward_.optimized, {forward_.x}, {forward_.y_pred}, {}};
}

Model::GraphView Model::training_view() const {
  if (!compiled_) throw ValueError("training_view: the model is not compiled");
  std::vector<ValueRef> outputs = {train_.loss};
  outputs.insert(outputs.end(), train_.metrics.begin(), train_.metrics.end());
  return {train_.optimized, {train_.x, train_.y_true}, outputs, train_.updates};
}

const Graph& Model::optimized_forward_graph() {
  forward_graph();
  return forward_.optimized;
}

void Model::LowerLossAndMetrics(GraphBuilder& b, Lowered& l) {
  l.y_true = b.Placeholder(layers_.back()->name() + "_target", kFloat32,
                           losses::TargetShape(compile_options_.loss, output_shape()));
  l.loss = losses::Lower(b, compile_options_.loss, l.y_true, l.y_pred);
  for (const auto& m : compile_options_.metrics)
    l.metrics.push_back(metrics::Lower(b, m, compile_options_.loss, l.y_true, l.y_pred));
}

void Model::compile(CompileOptions options) {
  if (options.loss.empty()) throw ValueError("compile: a loss is required");
  losses::Canonical(options.loss);  // validates the name before anything is built
  if (!options.optimizer.get()) throw ValueError("compile: an optimizer is required");
  Build();
  for (const auto& m : options.metrics) metrics::Resolve(m, options.loss, output_shape());
  compile_options_ = std::move(options);
  // Training: forward in training mode (dropout on), loss, gradients and the optimizer's updates.
  train_ = Lowered{};
  GraphBuilder b(train_.graph);
  train_.y_pred = LowerForward(b, train_, true);
  LowerLossAndMetrics(b, train_);
  std::vector<ValueRef> params;
  for (auto& l : layers_)
    for (size_t i = 0; i < l->weights().size(); ++i)
      if (l->weights()[i].trainable) params.push_back(train_.variables.at(l.get()).weights[i]);
  std::vector<ValueRef> grads = BuildBackward(b, train_.loss, params);
  const std::vector<int> optimizer_updates = optimizer()->Lower(b, params, grads, variables_);
  train_.updates.insert(train_.updates.end(), optimizer_updates.begin(), optimizer_updates.end());
  std::vector<ValueRef> fetches = {train_.loss};
  fetches.insert(fetches.end(), train_.metrics.begin(), train_.metrics.end());
  Plan(train_, fetches);
  // Evaluation: the same loss and metrics on the inference-mode forward graph.
  eval_ = Lowered{};
  GraphBuilder eb(eval_.graph);
  eval_.y_pred = LowerForward(eb, eval_, false);
  LowerLossAndMetrics(eb, eval_);
  fetches = {eval_.loss};
  fetches.insert(fetches.end(), eval_.metrics.begin(), eval_.metrics.end());
  Plan(eval_, fetches);
  compiled_ = true;
}

std::vector<std::string> Model::metrics_names() const {
  std::vector<std::string> names = {"loss"};
  names.insert(names.end(), compile_options_.metrics.begin(), compile_options_.metrics.end());
  return names;
}

Tensor Model::PrepareInput(const Tensor& x) {
  const Shape want = input_shape();
  bool ok = x.rank() == want.rank();
  for (int i = 1; ok && i < want.rank(); ++i) ok = want[i] < 0 || want[i] == x.dim(i);
  if (!ok)
    throw ShapeError("Error when checking input: expected " + input_name() + " to have shape " +
                     ShapeWithoutBatch(want) + " but got array with shape " +
                     ShapeWithoutBatch(x.shape()));
  if (x.dtype() == kBool)
    throw TypeError("Error when checking input: boolean arrays are not supported");
  return x.dtype() == input_dtype() ? x : x.astype(input_dtype());
}

Tensor Model::PrepareTarget(const Tensor& y, int64_t samples) {
  if (y.rank() == 0 || y.dim(0) != samples)
    throw ValueError(
        "Input arrays should have the same number of samples as target arrays. Found " +
        std::to_string(samples) + " input samples and " + std::to_string(y.rank() ? y.dim(0) : 0) +
        " target samples.");
  const Shape want = losses::TargetShape(compile_options_.loss, output_shape());
  Tensor t = y;
  // Keras accepts (n,) targets for a (None, 1) output and (n, 1) class ids for the sparse loss.
  if (t.rank() == want.rank() - 1 && want.dim(-1) == 1) t = t.Reshaped(Shape{samples, 1});
  if (t.rank() == 2 && want.rank() == 1 && t.dim(1) == 1) t = t.Reshaped(Shape{samples});
  bool ok = t.rank() == want.rank();
  for (int i = 1; ok && i < want.rank(); ++i) ok = want[i] == t.dim(i);
  if (!ok)
    throw ShapeError("Error when checking target: expected " + layers_.back()->name() +
                     " to have shape " + ShapeWithoutBatch(want) + " but got array with shape " +
                     ShapeWithoutBatch(y.shape()));
  t = t.dtype() == kFloat32 ? t : t.astype(kFloat32);
  if (losses::Canonical(compile_options_.loss) == losses::sparse_categorical_crossentropy) {
    const int64_t classes = output_shape().dim(-1);
    for (float v : t.values<float>())
      if (!(v >= 0 && v < classes && v == std::floor(v)))
        throw ValueError("sparse_categorical_crossentropy: label " + std::to_string(v) +
                         " is not a class id in [0, " + std::to_string(classes) + ")");
  }
  return t;
}

std::vector<double> Model::RunEvaluation(const Tensor& x, const Tensor& y, int64_t batch_size,
                                         Progbar* bar) {
  const int64_t n = x.dim(0);
  std::vector<double> sums(1 + eval_.metrics.size(), 0.0);
  for (int64_t s = 0; s < n; s += batch_size) {
    const int64_t e = std::min(n, s + batch_size);
    const auto& out =
        eval_.executor->RunInPlace({{eval_.x, x.Slice(s, e)}, {eval_.y_true, y.Slice(s, e)}});
    for (size_t i = 0; i < out.size(); ++i) sums[i] += out[i].item<double>() * double(e - s);
    if (bar) bar->update(e);
  }
  for (double& v : sums) v /= std::max<int64_t>(1, n);
  return sums;
}

std::pair<Tensor, Tensor> Model::PrepareTraining(const Tensor& x, const Tensor& y,
                                                 int64_t batch_size, const char* what) {
  if (!compiled_)
    throw ValueError(
        "You must compile your model before training/testing. Use `model.compile(optimizer, "
        "loss)`.");
  if (batch_size <= 0) throw ValueError(std::string(what) + ": batch_size must be positive");
  Tensor px = PrepareInput(x);
  return {px, PrepareTarget(y, px.dim(0))};
}

History Model::fit(const Tensor& x_in, const Tensor& y_in, FitOptions o) {
  auto [x, y] = PrepareTraining(x_in, y_in, o.batch_size, "fit");
  Tensor vx, vy;
  if (o.validation_data) {
    vx = PrepareInput(o.validation_data->first);
    vy = PrepareTarget(o.validation_data->second, vx.dim(0));
  } else if (o.validation_split > 0) {
    if (o.validation_split >= 1) throw ValueError("fit: validation_split must be in [0, 1)");
    // Keras takes the last fraction, before any shuffling.
    const int64_t split = static_cast<int64_t>(double(x.dim(0)) * (1.0 - o.validation_split));
    vx = x.Slice(split, x.dim(0));
    vy = y.Slice(split, y.dim(0));
    x = x.Slice(0, split);
    y = y.Slice(0, split);
  }
  const bool validate = vx.valid() && vx.num_elements() > 0;
  const int64_t n = x.dim(0);
  std::ostream& out = *o.out;
  if (o.verbose && validate)
    out << "Train on " << n << " samples, validate on " << vx.dim(0) << " samples\n";
  const bool dynamic = o.dynamic.value_or(o.out == &std::cout && isatty(STDOUT_FILENO));
  const bool steps = o.progress == ProgressStyle::kSteps;
  const int64_t num_steps = (n + o.batch_size - 1) / o.batch_size;
  std::vector<std::string> names = metrics_names();
  History history;
  std::vector<int64_t> index(n);
  std::iota(index.begin(), index.end(), 0);
  Tensor xbuf, ybuf;
  for (int epoch = o.initial_epoch; epoch < o.epochs; ++epoch) {
    if (o.shuffle) std::shuffle(index.begin(), index.end(), backend::GlobalGenerator());
    if (o.verbose) out << "Epoch " << epoch + 1 << "/" << o.epochs << "\n";
    Progbar bar(steps ? num_steps : n, {.verbose = o.verbose, .dynamic = dynamic, .clock = o.clock},
                out);
    std::vector<double> sums(names.size(), 0.0);
    std::vector<std::pair<std::string, double>> shown;
    for (int64_t s = 0, step = 0; s < n; s += o.batch_size, ++step) {
      const int64_t e = std::min(n, s + o.batch_size);
      const std::vector<int64_t>* idx = o.shuffle ? &index : nullptr;
      const auto& res = train_.executor->RunInPlace(
          {{train_.x, Batch(x, idx, s, e, xbuf)}, {train_.y_true, Batch(y, idx, s, e, ybuf)}});
      shown.clear();
      for (size_t i = 0; i < res.size(); ++i) {
        sums[i] += res[i].item<double>() * double(e - s);
        shown.emplace_back(names[i], sums[i] / double(e));
      }
      if (e < n) bar.update(steps ? step + 1 : e, shown);
    }
    if (validate) {
      auto v = RunEvaluation(vx, vy, o.batch_size, nullptr);
      for (size_t i = 0; i < v.size(); ++i) shown.emplace_back("val_" + names[i], v[i]);
    }
    bar.update(steps ? num_steps : n, shown);
    history.epoch.push_back(epoch);
    for (const auto& [k, v] : shown) history.history[k].push_back(v);
  }
  return history;
}

std::vector<double> Model::evaluate(const Tensor& x_in, const Tensor& y_in, EvaluateOptions o) {
  auto [x, y] = PrepareTraining(x_in, y_in, o.batch_size, "evaluate");
  std::optional<Progbar> bar;
  if (o.verbose)
    bar.emplace(x.dim(0), ProgbarOptions{.verbose = o.verbose, .clock = o.clock}, *o.out);
  return RunEvaluation(x, y, o.batch_size, bar ? &*bar : nullptr);
}

Tensor Model::predict(const Tensor& x_in, PredictOptions o) {
  if (o.batch_size <= 0) throw ValueError("predict: batch_size must be positive");
  // One executor's planned buffers serve every call: calls from several threads take turns.
  std::lock_guard lock(*predict_mutex_);
  Tensor x = PrepareInput(x_in);
  forward_graph();
  std::vector<int64_t> dims = output_shape().dims();
  dims[0] = x.dim(0);
  // float32 but for a model that only reshapes an integer input (Input(int32) -> Flatten).
  Tensor result(forward_.graph.type(forward_.y_pred).dtype, Shape(dims));
  const int64_t n = x.dim(0);
  for (int64_t s = 0; s < n; s += o.batch_size) {
    const int64_t e = std::min(n, s + o.batch_size);
    const auto& out = forward_.executor->RunInPlace({{forward_.x, x.Slice(s, e)}});
    result.Slice(s, e).CopyFrom(out[0]);
  }
  return result;
}

int64_t Model::count_params() {
  Build();
  int64_t n = 0;
  for (const auto& l : layers_) n += l->count_params();
  return n;
}

void Model::summary(std::ostream& out) {
  Build();
  std::vector<SummaryRow> rows;
  int64_t total = 0, trainable = 0;
  for (const auto& l : layers_) {
    rows.push_back({l->name() + " (" + l->class_name() + ")", KerasShapeString(l->output_shape()),
                    l->count_params()});
    for (const Weight& w : l->weights()) {
      total += w.value.num_elements();
      if (w.trainable) trainable += w.value.num_elements();
    }
  }
  PrintSummaryTable(out, name_, rows, total, trainable);
}

std::vector<Tensor> Model::get_weights() const {
  std::vector<Tensor> out;
  for (const auto& l : layers_)
    for (const Weight& w : l->weights()) out.push_back(w.value.Clone());
  return out;
}

void Model::set_weights(const std::vector<Tensor>& weights) {
  Build();
  size_t count = 0;
  for (const auto& l : layers_) count += l->weights().size();
  if (weights.size() != count)
    throw ValueError("You called `set_weights(weights)` on model '" + name_ +
                     "' with a weight list of length " + std::to_string(weights.size()) +
                     ", but the model expects " + std::to_string(count) + " weights.");
  size_t i = 0;
  for (const auto& l : layers_)
    for (Weight& w : l->weights()) {
      const Tensor& src = weights[i++];
      if (src.shape() != w.value.shape())
        throw ShapeError("Layer '" + l->name() + "' weight '" + w.name + "' shape " +
                         KerasShapeString(w.value.shape()) +
                         " not compatible with provided weight shape " +
                         KerasShapeString(src.shape()));
      w.value.CopyFrom(src.dtype() == w.value.dtype() ? src : src.astype(w.value.dtype()));
    }
}

}  // namespace kiln::keras

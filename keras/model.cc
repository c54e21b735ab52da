#include "keras/model.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <mutex>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

#include "autodiff/backward.h"
#include "graph/logging.h"
#include "keras/backend.h"
#include "keras/constraints.h"
#include "keras/layers/input_layer.h"
#include "keras/layers/recurrent.h"
#include "keras/losses.h"
#include "keras/metrics.h"
#include "keras/model_config.h"
#include "keras/regularizers.h"
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

// A number as Python prints it in Keras's messages (0.2, -0.5, 1, nan).
std::string FormatDouble(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// "[a, b]" for messages.
std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return "[" + out + "]";
}

}  // namespace

Model::Model(std::string name, bool sequential) : sequential_(sequential) {
  name_ = std::move(name);
}

Model::Model(ModelOptions o) {
  name_ = o.name.empty() ? backend::UniqueObjectName("model") : std::move(o.name);
  SetGraph(std::move(o.inputs), std::move(o.outputs));
  Build();
}

Sequential::Sequential(std::vector<LayerRef> layers, std::string name)
    : Model(name.empty() ? backend::UniqueObjectName("sequential") : std::move(name), true) {
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
  // The compiled step was lowered for the old layer list; running it would train (and report)
  // the wrong model, so the next fit/evaluate asks for compile() again.
  compile_stale_ = compile_stale_ || compiled_;
  built_ = false;
  graph_built_ = false;
  compiled_ = false;
  inputs_.clear();
  outputs_.clear();
  nodes_.clear();
  forward_ = Lowered{};
  train_ = Lowered{};
  eval_ = Lowered{};
}

std::shared_ptr<Layer> Model::get_layer(const std::string& name) const {
  std::vector<std::string> names;
  for (const auto& l : layers_) {
    if (l->name() == name) return l;
    names.push_back(l->name());
  }
  throw ValueError("No such layer: " + name + ". Existing layers are: " + Joined(names) + ".");
}

void Model::SetGraph(std::vector<KerasTensor> inputs, std::vector<KerasTensor> outputs) {
  if (inputs.empty()) throw ValueError("Model '" + name_ + "': no inputs given");
  if (outputs.empty()) throw ValueError("Model '" + name_ + "': no outputs given");
  std::set<const LayerNode*> input_nodes;
  for (const KerasTensor& t : inputs) {
    if (!t.valid() || !t.node()->inputs.empty() || t.layer().class_name() != "InputLayer")
      throw ValueError("Model '" + name_ + "': inputs must be Input tensors (keras::Input), got " +
                       t.name());
    if (!input_nodes.insert(t.node().get()).second)
      throw ValueError("Model '" + name_ + "': the input " + t.name() +
                       " is passed twice; every input must be unique");
  }
  for (const KerasTensor& t : outputs)
    if (!t.valid()) throw ValueError("Model '" + name_ + "': an output is an empty KerasTensor");
  // Keras's map_graph (tf.keras functional.py, Keras 3 function.py): a depth-first walk from the
  // outputs records the order layers are first met; each node's depth is its longest distance to
  // an output; model.layers lists layers by decreasing depth, ties in walk order. Iterative, so a
  // deep graph from a file cannot exhaust the stack.
  std::map<const Layer*, int> layer_index;
  std::vector<std::shared_ptr<const LayerNode>> finished;  // every node after its inputs
  std::set<const LayerNode*> done, in_progress;
  std::vector<std::string> reached;  // layers met without issue, for the disconnected message
  for (const KerasTensor& out : outputs) {
    // (node, next input to visit)
    std::vector<std::pair<std::shared_ptr<const LayerNode>, size_t>> stack;
    // `consumer`: the layer that reads n's output (none for the output itself).
    auto visit = [&](const std::shared_ptr<const LayerNode>& n, const Layer* consumer) {
      if (done.count(n.get())) return;
      if (in_progress.count(n.get()))
        throw ValueError("Model '" + name_ + "': the layer graph has a cycle at " +
                         n->layer->name());
      if (n->inputs.empty() && !input_nodes.count(n.get()))
        throw ValueError(
            "Graph disconnected: cannot obtain value for tensor " + n->layer->name() +
            " (an Input not among the model's inputs) at layer \"" +
            (consumer ? consumer->name() : n->layer->name()) +
            "\". The following previous layers were accessed without issue: " + Joined(reached) +
            " (pass this Input among the model's inputs, or build the output "
            "from the given ones)");
      layer_index.try_emplace(n->layer.get(), static_cast<int>(layer_index.size()));
      in_progress.insert(n.get());
      stack.emplace_back(n, 0);
    };
    visit(out.node(), nullptr);
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node->inputs.size()) {
        std::shared_ptr<const LayerNode> in = node->inputs[next++].node();
        visit(in, node->layer.get());
        continue;
      }
      in_progress.erase(node.get());
      done.insert(node.get());
      finished.push_back(node);
      reached.push_back(node->layer->name());
      stack.pop_back();
    }
  }
  std::map<const LayerNode*, int> node_depth;
  std::map<const Layer*, int> layer_depth;
  for (auto it = finished.rbegin(); it != finished.rend(); ++it) {
    const LayerNode* n = it->get();
    int depth = std::max(node_depth[n], layer_depth[n->layer.get()]);
    layer_depth[n->layer.get()] = depth;
    node_depth[n] = depth;
    for (const KerasTensor& in : n->inputs)
      node_depth[in.node().get()] = std::max(node_depth[in.node().get()], depth + 1);
  }
  // Inputs no output depends on still belong to the model, as in Keras.
  for (const KerasTensor& t : inputs)
    if (!layer_depth.count(&t.layer())) {
      layer_depth[&t.layer()] = 0;
      layer_index[&t.layer()] = -1;
      node_depth[t.node().get()] = 0;
      finished.insert(finished.begin(), t.node());
    }
  // Nodes by decreasing depth (inputs first); a stable sort keeps a valid call order within a
  // depth.
  std::stable_sort(finished.begin(), finished.end(), [&](const auto& a, const auto& b) {
    return node_depth[a.get()] > node_depth[b.get()];
  });
  std::vector<std::shared_ptr<Layer>> layers;
  std::set<const Layer*> seen;
  for (const auto& n : finished)
    if (seen.insert(n->layer.get()).second) layers.push_back(n->layer);
  std::stable_sort(layers.begin(), layers.end(), [&](const auto& a, const auto& b) {
    const int da = layer_depth[a.get()], db = layer_depth[b.get()];
    return da != db ? da > db : layer_index[a.get()] < layer_index[b.get()];
  });
  std::set<std::string> names;
  for (const auto& l : layers)
    if (!names.insert(l->name()).second)
      throw ValueError("The name \"" + l->name() + "\" is used 2 times in the model '" + name_ +
                       "'. All operation names should be unique.");
  nodes_ = std::move(finished);
  inputs_ = std::move(inputs);
  outputs_ = std::move(outputs);
  if (!sequential_) layers_ = std::move(layers);
  graph_built_ = true;
}

Shape Model::ComputeOutputShape(const Shape& input_shape) const {
  std::vector<Shape> out = ComputeOutputShapes(std::span<const Shape>(&input_shape, 1));
  if (out.size() != 1)
    ShapeFail("has " + std::to_string(out.size()) + " outputs; call it with LayerRef::CallAll");
  return out[0];
}

std::vector<Shape> Model::ComputeOutputShapes(std::span<const Shape> shapes) const {
  if (!graph_built_) {
    // A Sequential not built yet: its layers' shape rules, in order.
    ExpectCount("inputs", shapes.size(), 1);
    if (layers_.empty()) ShapeFail("has no layers");
    Shape s = shapes[0];
    for (const auto& l : layers_) s = l->ComputeOutputShape(s);
    return {s};
  }
  ExpectCount("inputs", shapes.size(), inputs_.size());
  for (size_t i = 0; i < shapes.size(); ++i)
    if (!shapes[i].IsCompatibleWith(inputs_[i].shape()))
      ShapeFail("Input " + std::to_string(i) + " is incompatible: expected shape " +
                KerasShapeString(inputs_[i].shape()) + ", found shape " +
                KerasShapeString(shapes[i]));
  std::vector<Shape> out;
  for (const KerasTensor& t : outputs_) out.push_back(t.shape());
  return out;
}

std::shared_ptr<Layer> Model::SequentialInputLayer(const Shape& shape) const {
  std::vector<int64_t> dims(shape.dims().begin() + 1, shape.dims().end());
  return std::make_shared<layers::InputLayer>(
      layers::InputLayerOptions{.input_shape = dims, .name = layers_[0]->name() + "_input"});
}

void Model::BuildWeights(const Shape& input_shape) {
  if (!graph_built_) {
    if (!sequential_) ShapeFail("has no graph");
    // A Sequential without a declared input, called inside another model: built for the shape
    // it is called with, as Keras builds it.
    input_layer_ = SequentialInputLayer(input_shape);
  }
  Build();
}

void Model::Build() {
  if (!graph_built_) {
    if (layers_.empty()) throw ValueError("model '" + name_ + "' has no layers");
    if (!input_layer_) {
      const auto& declared = layers_[0]->declared_input_shape();
      if (!declared)
        throw ValueError(
            "This model has not yet been built: give the first layer an input_shape "
            "(or input_dim), or start with an InputLayer");
      input_layer_ = SequentialInputLayer(*declared);
    }
    KerasTensor x = InputTensor(input_layer_);
    const KerasTensor input = x;
    for (const auto& l : layers_) x = LayerRef(l)(x);
    SetGraph({input}, {x});
  }
  if (built_) return;
  input_shapes_.clear();
  for (const KerasTensor& t : inputs_) input_shapes_.push_back(t.shape());
  input_shape_ = input_shapes_[0];
  // As a layer, the model's weights are its layers' (the same buffers), in model.layers order.
  weights_.clear();
  states_.clear();
  for (const auto& l : layers_) {
    for (const Weight& w : l->weights())
      weights_.push_back({l->name() + "/" + w.name, w.value, w.trainable});
    for (const Weight& w : l->states())
      states_.push_back({l->name() + "/" + w.name, w.value, w.trainable});
    // The store shares each weight's buffer, so training updates the layers' tensors in place.
    for (Weight& w : l->weights()) variables_->Set(l->name() + "/" + w.name, w.value);
    for (Weight& w : l->states()) variables_->Set(l->name() + "/" + w.name, w.value);
  }
  built_ = true;
}

const std::vector<KerasTensor>& Model::inputs() {
  Build();
  return inputs_;
}

const std::vector<KerasTensor>& Model::outputs() {
  Build();
  return outputs_;
}

Shape Model::input_shape() { return inputs().at(0).shape(); }
Shape Model::output_shape() { return outputs().at(0).shape(); }
DType Model::input_dtype() { return inputs().at(0).dtype(); }

std::string Model::input_name() {
  // A Sequential's input is named before it is built, as Keras names it.
  if (!graph_built_ && sequential_ && !input_layer_ && !layers_.empty())
    return layers_[0]->name() + "_input";
  if (!graph_built_ && input_layer_) return input_layer_->name();
  return inputs().at(0).layer().name();
}

std::vector<std::string> Model::input_names() {
  std::vector<std::string> out;
  for (const KerasTensor& t : inputs()) out.push_back(t.layer().name());
  return out;
}

std::vector<std::string> Model::output_names() {
  std::vector<std::string> out;
  for (const KerasTensor& t : outputs()) out.push_back(t.layer().name());
  return out;
}

namespace {

// The config key of a weight's regularizer or constraint ("regularizer", "constraint"):
// "<weight>_<what>", or Keras's shorter "depthwise_<what>" for depthwise_kernel.
std::string WeightConfigKey(const nlohmann::json& c, const std::string& weight,
                            const std::string& what) {
  std::string key = weight + "_" + what;
  if (!c.contains(key) && weight.ends_with("_kernel"))
    key = weight.substr(0, weight.size() - 7) + "_" + what;
  return key;
}

// Keras's layer.losses for one call: each weight's "<weight>_regularizer" from the layer's config
// (once per layer), and its "activity_regularizer" on each output. A nested model has neither:
// its layers add their own.
void AddRegularization(GraphBuilder& b, const Layer& layer, std::span<const ValueRef> weights,
                       std::span<const ValueRef> outputs, AddedLosses& losses) {
  const nlohmann::json c = layer.get_config();
  const std::string where = layer.class_name() + " '" + layer.name() + "': ";
  auto regularizer = [&](const std::string& key) {
    auto it = c.find(key);
    return it == c.end() ? nlohmann::json() : *it;
  };
  if (losses.weights_regularized.insert(&layer).second) {
    for (size_t i = 0; i < layer.weights().size() && i < weights.size(); ++i) {
      const std::string key = WeightConfigKey(c, layer.weights()[i].name, "regularizer");
      if (ValueRef t = regularizers::Lower(b, regularizer(key), weights[i], where + key); t.valid())
        losses.terms.push_back(t);
    }
  }
  // Both Kerases divide an activity penalty by the batch size.
  const nlohmann::json activity = regularizer("activity_regularizer");
  for (ValueRef out : outputs)
    if (ValueRef t = regularizers::Lower(b, activity, out, where + "activity_regularizer",
                                         /*per_example=*/true);
        t.valid())
      losses.terms.push_back(t);
}

// Each weight's "<weight>_constraint" from its layer's config, in weights() order (a model's:
// its layers'), with where it comes from; null for none.
void WeightConstraints(const Layer& layer,
                       std::vector<std::pair<nlohmann::json, std::string>>& out) {
  if (const auto* m = dynamic_cast<const Model*>(&layer)) {
    for (const auto& l : m->layers()) WeightConstraints(*l, out);
    return;
  }
  const nlohmann::json c = layer.get_config();
  for (const Weight& w : layer.weights()) {
    const std::string key = WeightConfigKey(c, w.name, "constraint");
    out.emplace_back(c.contains(key) ? c[key] : nlohmann::json(),
                     layer.class_name() + " '" + layer.name() + "': " + key);
  }
}

}  // namespace

std::vector<ValueRef> Model::LowerNodes(
    GraphBuilder& b, std::span<const ValueRef> inputs,
    const std::function<const LayerVariables&(const Layer&)>& vars, const CallContext& ctx,
    std::vector<ValueRef>* output_masks) const {
  ExpectCount("inputs", inputs.size(), inputs_.size());
  using Key = std::pair<const LayerNode*, int>;
  std::map<Key, ValueRef> values, masks;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const Key key{inputs_[i].node().get(), inputs_[i].index()};
    values[key] = inputs[i];
    if (i < ctx.masks.size()) masks[key] = ctx.masks[i];
  }
  auto mask_of = [&](const Key& key) {
    auto it = masks.find(key);
    return it == masks.end() ? ValueRef{} : it->second;
  };
  for (const auto& node : nodes_) {
    if (node->inputs.empty()) continue;  // an InputLayer: fed
    Layer& layer = *node->layer;
    auto scope = b.Scope(layer.name());
    std::vector<ValueRef> ins, in_masks;
    for (const KerasTensor& t : node->inputs) {
      ValueRef v = values.at({t.node().get(), t.index()});
      const DType dtype = b.type(v).dtype;
      if (dtype != kFloat32 && !(!IsFloating(dtype) && layer.KeepsIntegerInputs()))
        v = b.Op("Cast", {v}, {{"dtype", kFloat32}});
      ins.push_back(v);
      in_masks.push_back(mask_of({t.node().get(), t.index()}));
    }
    const LayerVariables& v = vars(layer);
    const bool trainable = ctx.trainable && layer.trainable();
    std::vector<ValueRef> outs = layer.Call(b, ins,
                                            {.training = node->training.value_or(ctx.training),
                                             .trainable = trainable,
                                             .losses = ctx.losses,
                                             .updates = ctx.updates,
                                             .weights = v.weights,
                                             .states = v.states,
                                             .masks = in_masks});
    if (ctx.losses) AddRegularization(b, layer, v.weights, outs, *ctx.losses);
    if (outs.size() != node->output_shapes.size())
      throw Error(layer.class_name() + " '" + layer.name() + "' lowered " +
                  std::to_string(outs.size()) + " outputs for " +
                  std::to_string(node->output_shapes.size()));
    const std::vector<ValueRef> out_masks = layer.ComputeMask(b, ins, in_masks, outs.size());
    for (size_t k = 0; k < outs.size(); ++k) {
      values[{node.get(), static_cast<int>(k)}] = outs[k];
      if (k < out_masks.size() && out_masks[k].valid())
        masks[{node.get(), static_cast<int>(k)}] = out_masks[k];
    }
  }
  std::vector<ValueRef> out;
  if (output_masks) output_masks->clear();
  for (const KerasTensor& t : outputs_) {
    out.push_back(values.at({t.node().get(), t.index()}));
    if (output_masks) output_masks->push_back(mask_of({t.node().get(), t.index()}));
  }
  return out;
}

void Model::reset_states() {
  for (auto& l : layers_) {
    if (auto* r = dynamic_cast<layers::Recurrent*>(l.get())) r->reset_states();
    if (auto* m = dynamic_cast<Model*>(l.get())) m->reset_states();
  }
}

void Model::set_trainable(bool trainable) {
  Layer::set_trainable(trainable);
  for (auto& l : layers_) l->set_trainable(trainable);
}

std::vector<bool> Model::TrainableMask() const {
  std::vector<bool> mask;
  for (const auto& l : layers_)
    for (bool m : l->TrainableMask()) mask.push_back(trainable() && m);
  return mask;
}

std::vector<ValueRef> Model::Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                                  const CallContext& ctx) {
  // The enclosing lowering made Variables for this model's weights (its layers', in order):
  // hand each layer its share.
  std::map<const Layer*, LayerVariables> vars;
  size_t w = 0, s = 0;
  for (const auto& l : layers_) {
    LayerVariables& v = vars[l.get()];
    for (size_t i = 0; i < l->weights().size() && w < ctx.weights.size(); ++i)
      v.weights.push_back(ctx.weights[w++]);
    for (size_t i = 0; i < l->states().size() && s < ctx.states.size(); ++i)
      v.states.push_back(ctx.states[s++]);
  }
  if (w != ctx.weights.size() || w != weights_.size() || s != ctx.states.size())
    throw Error("Model '" + name_ + "' called with " + std::to_string(ctx.weights.size()) +
                " weight Variables for " + std::to_string(weights_.size()) + " weights");
  CallContext inner = ctx;
  inner.trainable = ctx.trainable && trainable();
  return LowerNodes(
      b, inputs, [&](const Layer& l) -> const LayerVariables& { return vars.at(&l); }, inner);
}

void Model::LowerForward(GraphBuilder& b, Lowered& l, bool training, bool with_losses) {
  Build();
  l.x.clear();
  for (const KerasTensor& t : inputs_)
    l.x.push_back(b.Placeholder(t.layer().name(), t.dtype(), t.shape()));
  auto vars = [&](const Layer& layer) -> const LayerVariables& {
    auto [it, fresh] = l.variables.try_emplace(&layer);
    if (fresh) {  // in the layer's scope, so that the names are the store's
      for (const Weight& w : layer.weights())
        it->second.weights.push_back(b.Variable(w.name, w.value.dtype(), w.value.shape()));
      for (const Weight& w : layer.states())
        it->second.states.push_back(b.Variable(w.name, w.value.dtype(), w.value.shape()));
    }
    return it->second;
  };
  std::vector<ValueRef> output_masks;
  l.y_pred = LowerNodes(
      b, l.x, vars,
      {.training = training, .losses = with_losses ? &l.added : nullptr, .updates = &l.updates},
      &output_masks);
  // Keras weights each step's loss by the output's mask; until Kiln does, such a loss would be
  // silently different from Keras's.
  for (size_t i = 0; with_losses && i < output_masks.size(); ++i)
    if (output_masks[i].valid())
      throw ValueError("Model '" + name_ + "': output " + std::to_string(i) + " (" +
                       outputs_[i].layer().name() +
                       ") carries a mask, and losses masked per step are not supported yet; "
                       "end the model with a layer that drops it (a recurrent layer without "
                       "return_sequences, a pooling)");
}

void Model::Plan(Lowered& l, std::vector<ValueRef> fetches) {
  passes::PassOptions keep;
  for (const ValueRef& f : fetches) keep.keep.push_back(f.node);
  keep.keep.insert(keep.keep.end(), l.updates.begin(), l.updates.end());
  l.optimized = l.graph;
  std::ostringstream report;
  passes::RunDefaultPipeline(l.optimized, keep, &report);
  l.pass_report = report.str();
  l.executor =
      std::make_unique<Executor>(l.optimized, std::move(fetches), l.updates, variables_.get());
}

const Graph& Model::forward_graph() {
  if (!forward_.executor) {
    GraphBuilder b(forward_.graph);
    LowerForward(b, forward_, false, /*with_losses=*/false);
    Plan(forward_, forward_.y_pred);
  }
  return forward_.graph;
}

Model::GraphView Model::serving_view() {
  forward_graph();
  return {forward_.optimized, forward_.x, forward_.y_pred, {}};
}

std::vector<ValueRef> Model::Fetches(const Lowered& l) const {
  std::vector<ValueRef> out;
  for (const metrics::LoweredMetric& m : l.reported)
    out.insert(out.end(), m.statistics.begin(), m.statistics.end());
  return out;
}

Model::GraphView Model::training_view() const {
  if (!compiled_) throw ValueError("training_view: the model is not compiled");
  std::vector<ValueRef> inputs = train_.x;
  inputs.insert(inputs.end(), train_.y_true.begin(), train_.y_true.end());
  return {train_unweighted_, inputs, Fetches(train_), train_.updates};
}

const Graph& Model::optimized_forward_graph() {
  forward_graph();
  return forward_.optimized;
}

void Model::LowerLossAndMetrics(GraphBuilder& b, Lowered& l) {
  const size_t n = output_training_.size();
  std::vector<ValueRef> losses;
  std::vector<metrics::LoweredMetric> metrics;
  l.y_true.clear();
  l.sample_weight.clear();
  for (size_t k = 0; k < n; ++k) {
    const OutputTraining& o = output_training_[k];
    l.y_true.push_back(
        b.Placeholder(o.name + "_target", kFloat32, o.loss.TargetShape(outputs_[k].shape())));
    l.sample_weight.push_back(
        b.Placeholder(o.name + "_sample_weight", kFloat32, Shape{outputs_[k].shape().dim(0)}));
    auto scope = b.Scope(n > 1 ? o.name + "_loss" : "");
    losses.push_back(o.loss.Lower(b, l.y_true[k], l.y_pred[k], l.sample_weight[k]));
    for (const auto& m : o.metrics)
      metrics.push_back(metrics::Lower(b, m, o.loss.function(), l.y_true[k], l.y_pred[k]));
    for (const auto& m : o.weighted_metrics)
      metrics.push_back(
          metrics::Lower(b, m, o.loss.function(), l.y_true[k], l.y_pred[k], l.sample_weight[k]));
  }
  // Keras's total loss: the sum of each output's loss times its weight, plus the layers' losses
  // (regularization).
  if (n == 1 && output_training_[0].weight == 1.0) {
    l.loss = losses[0];
  } else {
    for (size_t k = 0; k < n; ++k) {
      ValueRef term = output_training_[k].weight == 1.0
                          ? losses[k]
                          : b.Op("Mul", {losses[k], b.Scalar(output_training_[k].weight)});
      l.loss = k == 0 ? term : b.Op("Add", {l.loss, term});
    }
  }
  if (!l.added.terms.empty()) {
    auto scope = b.Scope("regularization");
    for (ValueRef t : l.added.terms) l.loss = b.Op("Add", {l.loss, t});
  }
  l.reported = {{{l.loss}, nullptr}};
  if (n > 1)
    for (ValueRef v : losses) l.reported.push_back({{v}, nullptr});
  l.reported.insert(l.reported.end(), metrics.begin(), metrics.end());
}

void Model::ResolveOutputTraining(const CompileOptions& options) {
  const std::vector<std::string> names = output_names();
  const size_t n = names.size();
  auto index_of = [&](const std::string& what, const std::string& key) {
    for (size_t k = 0; k < n; ++k)
      if (names[k] == key) return k;
    throw ValueError("Unknown entries in " + what + " dictionary: ['" + key +
                     "']. Only expected following keys: " + Joined(names));
  };
  std::vector<OutputTraining> out(n);
  for (size_t k = 0; k < n; ++k) {
    out[k].name = names[k];
    out[k].shape = outputs_[k].shape();
  }
  const LossSpec& loss = options.loss;
  if (!loss.given) throw ValueError("compile: a loss is required");
  if (loss.one) {
    for (auto& o : out) o.loss = *loss.one;
  } else if (!loss.by_name.empty()) {
    for (const auto& [key, value] : loss.by_name) out[index_of("loss", key)].loss = value;
    for (const auto& o : out)
      if (o.loss.empty())
        throw ValueError("compile: output '" + o.name +
                         "' is missing from the loss dictionary (every output needs a loss)");
  } else {
    if (loss.list.size() != n)
      throw ValueError(
          "When passing a list as loss, it should have one entry per model outputs. "
          "The model has " +
          std::to_string(n) + " outputs, but you passed " + std::to_string(loss.list.size()) +
          " losses.");
    for (size_t k = 0; k < n; ++k) out[k].loss = loss.list[k];
  }
  const LossWeights& lw = options.loss_weights;
  if (lw.one) {
    for (auto& o : out) o.weight = *lw.one;
  } else if (!lw.by_name.empty()) {
    for (const auto& [key, value] : lw.by_name) out[index_of("loss_weights", key)].weight = value;
  } else if (lw.given) {
    if (lw.list.size() != n)
      throw ValueError(
          "When passing a list as loss_weights, it should have one entry per model "
          "output. The model has " +
          std::to_string(n) +
          " outputs, but you passed "
          "loss_weights=" +
          std::to_string(lw.list.size()) + " values.");
    for (size_t k = 0; k < n; ++k) out[k].weight = lw.list[k];
  }
  for (auto& o : out) o.metrics = options.metrics.all;
  for (const auto& [key, value] : options.metrics.by_name)
    out[index_of("metrics", key)].metrics = value;
  for (auto& o : out) o.weighted_metrics = options.weighted_metrics.all;
  for (const auto& [key, value] : options.weighted_metrics.by_name)
    out[index_of("weighted_metrics", key)].weighted_metrics = value;
  for (size_t k = 0; k < n; ++k) {
    // Validates the metric names before anything is built; a weighted metric named like a plain
    // one of its output is "weighted_<name>", as in tf.keras.
    for (const auto& m : out[k].metrics)
      metrics::Resolve(m, out[k].loss.function(), outputs_[k].shape());
    for (auto& m : out[k].weighted_metrics) {
      metrics::Resolve(m, out[k].loss.function(), outputs_[k].shape());
      if (std::any_of(out[k].metrics.begin(), out[k].metrics.end(),
                      [&](const auto& p) { return p.name() == m.name(); }))
        m = m.Renamed("weighted_" + m.name());
    }
  }
  output_training_ = std::move(out);
}

void Model::compile(CompileOptions options) {
  if (!options.optimizer.get()) throw ValueError("compile: an optimizer is required");
  compile_stale_ = false;
  Build();
  ResolveOutputTraining(options);
  compile_options_ = std::move(options);
  // Training: forward in training mode (dropout on), loss, gradients and the optimizer's updates.
  train_ = Lowered{};
  GraphBuilder b(train_.graph);
  LowerForward(b, train_, true, /*with_losses=*/true);
  LowerLossAndMetrics(b, train_);
  std::vector<ValueRef> params;
  std::vector<Optimizer::Constraint> constraints;
  for (auto& l : layers_) {
    auto it = train_.variables.find(l.get());
    if (it == train_.variables.end()) continue;  // not on the way to an output
    const std::vector<bool> mask = l->TrainableMask();
    std::vector<std::pair<nlohmann::json, std::string>> cs;
    WeightConstraints(*l, cs);
    for (size_t i = 0; i < l->weights().size(); ++i) {
      if (!mask[i]) continue;
      params.push_back(it->second.weights[i]);
      const auto& [c, where] = cs[i];
      constraints::Check(c, where);
      constraints.push_back(c.is_null() ? Optimizer::Constraint()
                                        : [c, where](GraphBuilder& g, ValueRef v) {
                                            return constraints::Apply(g, c, v, where);
                                          });
    }
  }
  std::vector<ValueRef> grads = BuildBackward(b, train_.loss, params);
  const std::vector<int> optimizer_updates =
      optimizer()->Lower(b, params, grads, *variables_, constraints);
  train_.updates.insert(train_.updates.end(), optimizer_updates.begin(), optimizer_updates.end());
  Plan(train_, Fetches(train_));
  train_unweighted_ = train_.optimized;
  GraphBuilder ub(train_unweighted_);
  for (size_t k = 0; k < train_.sample_weight.size(); ++k) {
    const ValueRef t = train_.y_true[k], w = train_.sample_weight[k];
    if (!train_unweighted_.HasNode(w.node)) continue;
    ValueRef ones = ub.Op("OnesLike", {t});
    const int rank = ub.type(t).shape.rank();
    if (rank > 1) {
      std::vector<int64_t> axes(static_cast<size_t>(rank - 1));
      std::iota(axes.begin(), axes.end(), 1);
      ones = ub.Op("ReduceMax", {ones}, {{"axes", axes}});
    }
    train_unweighted_.ReplaceAllUses(w, ones);
    train_unweighted_.RemoveNode(w.node);
  }
  // Evaluation: the same losses and metrics on the inference-mode forward graph.
  eval_ = Lowered{};
  GraphBuilder eb(eval_.graph);
  LowerForward(eb, eval_, false, /*with_losses=*/true);
  LowerLossAndMetrics(eb, eval_);
  Plan(eval_, Fetches(eval_));
  compiled_ = true;
}

std::vector<std::string> Model::metrics_names() {
  std::vector<std::string> names = {"loss"};
  const bool several = output_training_.size() > 1;
  if (several)
    for (const auto& o : output_training_) names.push_back(o.name + "_loss");
  for (const auto& o : output_training_)
    for (const auto* list : {&o.metrics, &o.weighted_metrics})
      for (const auto& m : *list) names.push_back(several ? o.name + "_" + m.name() : m.name());
  return names;
}

std::vector<Tensor> Model::PrepareInputs(const Arrays& x) {
  const std::vector<std::string> names = input_names();
  std::vector<Tensor> in;
  if (!x.by_name.empty()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : x.by_name) keys.push_back(k);
    for (const auto& name : names) {
      auto it = x.by_name.find(name);
      if (it == x.by_name.end())
        throw ValueError("Missing data for input \"" + name +
                         "\". You passed a data dictionary with keys " + Joined(keys) +
                         ". Expected the following keys: " + Joined(names));
      in.push_back(it->second);
    }
    if (keys.size() != names.size())
      throw ValueError("Unexpected input keys in " + Joined(keys) + "; the model's inputs are " +
                       Joined(names));
  } else {
    if (x.list.size() != names.size())
      throw ValueError("Layer \"" + name_ + "\" expects " + std::to_string(names.size()) +
                       " input(s), but it received " + std::to_string(x.list.size()) +
                       " input tensors (inputs " + Joined(names) + ")");
    in = x.list;
  }
  for (size_t i = 0; i < in.size(); ++i) {
    const Shape want = inputs_[i].shape();
    const Tensor& t = in[i];
    if (!t.valid()) throw ValueError("Error when checking input: " + names[i] + " is empty");
    bool ok = t.rank() == want.rank();
    for (int d = 1; ok && d < want.rank(); ++d) ok = want[d] < 0 || want[d] == t.dim(d);
    if (!ok)
      throw ShapeError("Error when checking input: expected " + names[i] + " to have shape " +
                       ShapeWithoutBatch(want) + " but got array with shape " +
                       ShapeWithoutBatch(t.shape()));
    if (t.dtype() == kBool)
      throw TypeError("Error when checking input: boolean arrays are not supported");
    if (t.dim(0) == 0)
      throw ValueError("Error when checking input: " + names[i] +
                       " has 0 samples; fit, evaluate and predict need at least one");
    if (want[0] > 0 && t.dim(0) % want[0] != 0)
      throw ShapeError("Error when checking input: " + names[i] + " has a fixed batch size of " +
                       std::to_string(want[0]) + " (Input's batch_size, as a stateful model's) " +
                       "but got " + std::to_string(t.dim(0)) + " samples; feed a multiple of " +
                       std::to_string(want[0]) + " in batches of that size");
    if (t.dim(0) != in[0].dim(0)) {
      std::string sizes;
      for (const Tensor& u : in) sizes += (sizes.empty() ? "" : ", ") + std::to_string(u.dim(0));
      throw ValueError("Data cardinality is ambiguous: x sizes: " + sizes +
                       ". Make sure all arrays contain the same number of samples.");
    }
    const DType dtype = inputs_[i].dtype();
    if (t.dtype() != dtype) in[i] = t.astype(dtype);
  }
  return in;
}

std::vector<Tensor> Model::PrepareTargets(const Arrays& y, int64_t samples) {
  const size_t n = output_training_.size();
  std::vector<std::string> names;
  for (const auto& o : output_training_) names.push_back(o.name);
  std::vector<Tensor> targets;
  if (!y.by_name.empty()) {
    for (const auto& name : names) {
      auto it = y.by_name.find(name);
      if (it == y.by_name.end())
        throw ValueError("Missing target for output \"" + name + "\"; the model's outputs are " +
                         Joined(names));
      targets.push_back(it->second);
    }
    if (y.by_name.size() != n)
      throw ValueError("Unexpected target keys; the model's outputs are " + Joined(names));
  } else {
    if (y.list.size() != n)
      throw ValueError("Model '" + name_ + "' has " + std::to_string(n) + " output(s) " +
                       Joined(names) + ", but " + std::to_string(y.list.size()) +
                       " target arrays were given");
    targets = y.list;
  }
  for (size_t k = 0; k < n; ++k) {
    const Tensor& raw = targets[k];
    const losses::Loss& loss = output_training_[k].loss;
    if (!raw.valid() || raw.rank() == 0 || raw.dim(0) != samples)
      throw ValueError(
          "Input arrays should have the same number of samples as target arrays. Found " +
          std::to_string(samples) + " input samples and " +
          std::to_string(raw.valid() && raw.rank() ? raw.dim(0) : 0) + " target samples.");
    const Shape want = loss.TargetShape(outputs_[k].shape());
    Tensor t = raw;
    // Keras accepts (n,) targets for a (None, 1) output and (n, 1) class ids for the sparse loss.
    if (t.rank() == want.rank() - 1 && want.dim(-1) == 1) t = t.Reshaped(Shape{samples, 1});
    if (t.rank() == 2 && want.rank() == 1 && t.dim(1) == 1) t = t.Reshaped(Shape{samples});
    bool ok = t.rank() == want.rank();
    for (int i = 1; ok && i < want.rank(); ++i) ok = want[i] == t.dim(i);
    if (!ok)
      throw ShapeError("Error when checking target: expected " + names[k] + " to have shape " +
                       ShapeWithoutBatch(want) + " but got array with shape " +
                       ShapeWithoutBatch(raw.shape()));
    t = t.dtype() == kFloat32 ? t : t.astype(kFloat32);
    if (loss.function() == losses::sparse_categorical_crossentropy) {
      const int64_t classes = outputs_[k].shape().dim(-1);
      for (float v : t.values<float>())
        if (!(v >= 0 && v < classes && v == std::floor(v)))
          throw ValueError("sparse_categorical_crossentropy: label " + std::to_string(v) +
                           " is not a class id in [0, " + std::to_string(classes) + ")");
    }
    targets[k] = t;
  }
  return targets;
}

namespace {

// metrics_names() with their values, as callbacks get them.
callbacks::Logs NamedLogs(const std::vector<std::string>& names,
                          const std::vector<double>& values) {
  callbacks::Logs logs;
  for (size_t i = 0; i < values.size() && i < names.size(); ++i) logs[names[i]] = values[i];
  return logs;
}

}  // namespace

std::vector<double> Model::RunEvaluation(const Data& d, int64_t batch_size, Progbar* bar,
                                         const callbacks::CallbackList& cbs) {
  const int64_t n = d.samples();
  const std::vector<std::string> names = metrics_names();
  metrics::Accumulator totals(eval_.reported);
  std::vector<Feed> feeds;
  callbacks::Logs logs;
  for (const auto& cb : cbs) cb->on_test_begin(logs);
  for (int64_t s = 0, step = 0; s < n; s += batch_size, ++step) {
    const int64_t e = std::min(n, s + batch_size);
    logs.clear();
    for (const auto& cb : cbs) cb->on_test_batch_begin(step, logs);
    feeds.clear();
    for (size_t i = 0; i < d.x.size(); ++i) feeds.push_back({eval_.x[i], d.x[i].Slice(s, e)});
    for (size_t i = 0; i < d.y.size(); ++i) {
      feeds.push_back({eval_.y_true[i], d.y[i].Slice(s, e)});
      feeds.push_back({eval_.sample_weight[i], d.sample_weight[i].Slice(s, e)});
    }
    totals.Add(eval_.executor->RunInPlace(feeds), e - s);
    if (bar) bar->update(e);
    if (!cbs.empty()) {
      logs = NamedLogs(names, totals.Results());
      for (const auto& cb : cbs) cb->on_test_batch_end(step, logs);
    }
  }
  const std::vector<double> results = totals.Results();
  logs = NamedLogs(names, results);
  for (const auto& cb : cbs) cb->on_test_end(logs);
  return results;
}

std::vector<Tensor> Model::PrepareSampleWeights(const Arrays& sample_weight,
                                                const std::map<int64_t, double>& class_weight,
                                                const std::vector<Tensor>& targets) {
  const std::vector<std::string> names = output_names();
  const int64_t n = targets[0].dim(0);
  std::vector<Tensor> out;
  for (size_t k = 0; k < names.size(); ++k) {
    Tensor ones(kFloat32, Shape{n});
    std::fill(ones.data<float>(), ones.data<float>() + n, 1.f);
    out.push_back(ones);
  }
  auto set = [&](size_t k, const Tensor& w, const std::string& what) {
    if (!w.valid() || w.num_elements() != n || (w.rank() != 1 && !(w.rank() == 2 && w.dim(1) == 1)))
      throw ValueError("sample_weight for output '" + names[k] + "': expected " +
                       std::to_string(n) + " weights (one per sample, shape (" + std::to_string(n) +
                       ",)), got " + (w.valid() ? "shape " + w.shape().ToString() : "none") + what);
    out[k] = w.astype(kFloat32).Reshaped(Shape{n});
    for (float v : out[k].values<float>())
      if (!std::isfinite(v))
        throw ValueError("sample_weight for output '" + names[k] + "' holds " + std::to_string(v) +
                         what);
  };
  if (!sample_weight.by_name.empty()) {
    for (const auto& [key, w] : sample_weight.by_name) {
      auto it = std::find(names.begin(), names.end(), key);
      if (it == names.end())
        throw ValueError("sample_weight: unknown output '" + key + "' (outputs: " + Joined(names) +
                         ")");
      set(static_cast<size_t>(it - names.begin()), w, "");
    }
  } else if (sample_weight.list.size() == 1) {
    for (size_t k = 0; k < names.size(); ++k) set(k, sample_weight.list[0], "");
  } else if (!sample_weight.list.empty()) {
    if (sample_weight.list.size() != names.size())
      throw ValueError("sample_weight: " + std::to_string(sample_weight.list.size()) +
                       " arrays for " + std::to_string(names.size()) + " outputs");
    for (size_t k = 0; k < names.size(); ++k) set(k, sample_weight.list[k], "");
  }
  if (class_weight.empty()) return out;
  if (names.size() != 1)
    throw ValueError("`class_weight` is only supported for Models with a single output.");
  const Tensor& y = targets[0];
  const int64_t units = outputs_[0].shape().dim(-1);
  const bool ids = y.rank() == 1 || y.dim(-1) == 1;  // class ids, or a one-unit binary target
  const int64_t classes = ids ? std::max<int64_t>(units, 2) : y.dim(-1);
  for (const auto& [c, w] : class_weight)
    if (c < 0 || c >= classes || !std::isfinite(w))
      throw ValueError("class_weight: class " + std::to_string(c) +
                       " is not one of the output's classes (0 to " + std::to_string(classes - 1) +
                       ")" + (std::isfinite(w) ? "" : ", or its weight is not finite"));
  const int64_t per = ids ? 1 : y.dim(-1);
  float* sw = out[0].data<float>();
  for (int64_t i = 0; i < n; ++i) {
    const float* row = y.data<float>() + i * per;
    const int64_t c =
        ids ? static_cast<int64_t>(std::lround(row[0])) : std::max_element(row, row + per) - row;
    auto it = class_weight.find(c);
    if (it != class_weight.end()) sw[i] *= static_cast<float>(it->second);
  }
  return out;
}

Model::Data Model::PrepareTraining(const Arrays& x, const Arrays& y, const Arrays& sample_weight,
                                   const std::map<int64_t, double>& class_weight,
                                   int64_t batch_size, const char* what) {
  RequireFreshCompile(what);
  if (!compiled_)
    throw ValueError(
        "You must compile your model before training/testing. Use `model.compile(optimizer, "
        "loss)`.");
  if (batch_size <= 0) throw ValueError(std::string(what) + ": batch_size must be positive");
  Data d;
  d.x = PrepareInputs(x);
  d.y = PrepareTargets(y, d.x[0].dim(0));
  d.sample_weight = PrepareSampleWeights(sample_weight, class_weight, d.y);
  return d;
}

Shuffle::Shuffle(const char* mode) {
  if (std::string(mode) != "batch")
    throw ValueError(std::string("fit: shuffle must be true, false or \"batch\", got \"") + mode +
                     "\"");
  batches = true;
}

void ValidationFreq::Check() const {
  if (epochs.empty() && every < 1)
    throw ValueError("fit: validation_freq must be a positive integer, got " +
                     std::to_string(every));
  for (int e : epochs)
    if (e < 1)
      throw ValueError("fit: validation_freq lists epoch " + std::to_string(e) +
                       "; epochs are counted from 1");
}

bool ValidationFreq::Due(int epoch) const {
  if (epochs.empty()) return (epoch + 1) % every == 0;
  return std::find(epochs.begin(), epochs.end(), epoch + 1) != epochs.end();
}

namespace {

// Keras 2.3.1's batch_shuffle: the full batches in a random order, the last partial one last.
void ShuffleBatches(std::vector<int64_t>& index, int64_t batch_size) {
  const int64_t full = static_cast<int64_t>(index.size()) / batch_size;
  std::vector<int64_t> order(full);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), backend::GlobalGenerator());
  std::vector<int64_t> out;
  out.reserve(index.size());
  for (int64_t b : order)
    out.insert(out.end(), index.begin() + b * batch_size, index.begin() + (b + 1) * batch_size);
  out.insert(out.end(), index.begin() + full * batch_size, index.end());
  index = std::move(out);
}

}  // namespace

Model::FitPosition Model::fit_position() const {
  FitPosition p = fit_position_;
  if (p.step > 0 && epoch_totals_) p.totals = epoch_totals_->state();
  return p;
}

void Model::RunTrainStep(const TrainBatch& batch, metrics::Accumulator& totals) {
  std::vector<Feed> feeds;
  for (size_t i = 0; i < batch.x.size(); ++i) feeds.push_back({train_.x[i], batch.x[i]});
  for (size_t i = 0; i < batch.y.size(); ++i) {
    feeds.push_back({train_.y_true[i], batch.y[i]});
    feeds.push_back({train_.sample_weight[i], batch.sample_weight[i]});
  }
  optimizer()->BeginStep();
  totals.Add(train_.executor->RunInPlace(feeds), batch.size);
}

callbacks::Logs Model::train_step(const TrainBatch& batch) {
  if (!compiled_)
    throw ValueError(
        "You must compile your model before training/testing. Use `model.compile(optimizer, "
        "loss)` (or override train_step).");
  if (!epoch_totals_) epoch_totals_ = std::make_unique<metrics::Accumulator>(train_.reported);
  RunTrainStep(batch, *epoch_totals_);
  return NamedLogs(metrics_names(), epoch_totals_->Results());
}

std::vector<double> Model::train_on_batch(const Arrays& x, const Arrays& y, OnBatchOptions o) {
  const Data d =
      PrepareTraining(x, y, o.sample_weight, o.class_weight, /*batch_size=*/1, "train_on_batch");
  metrics::Accumulator totals(train_.reported);
  RunTrainStep({d.x, d.y, d.sample_weight, d.samples()}, totals);
  return totals.Results();
}

Model::Data Model::UncheckedTrainingData(const Arrays& x, const Arrays& y,
                                         const FitOptions& o) const {
  // Most often the model was meant to be compiled: every message says so.
  auto fail = [](const std::string& what) {
    throw ValueError("fit: " + what +
                     ". This model is not compiled, so fit hands its arrays to train_step as "
                     "given; You must compile your model before training/testing to train it "
                     "with compile's loss (`model.compile(optimizer, loss)`).");
  };
  if (!x.by_name.empty() || !y.by_name.empty()) fail("arrays by name need a compiled model");
  if (o.validation_split > 0 || o.validation_data || !o.sample_weight.list.empty() ||
      !o.sample_weight.by_name.empty() || !o.class_weight.empty())
    fail("validation, sample_weight and class_weight need a compiled model");
  if (o.batch_size <= 0) fail("batch_size must be positive");
  Data d{x.list, y.list, {}};
  if (d.x.empty() || !d.x[0].valid() || d.x[0].rank() == 0 || d.x[0].dim(0) == 0)
    fail("no input array with samples");
  for (const std::vector<Tensor>* list : {&d.x, &d.y})
    for (const Tensor& t : *list)
      if (!t.valid() || t.rank() == 0 || t.dim(0) != d.samples())
        fail("every array needs the first one's " + std::to_string(d.samples()) +
             " samples along its first axis, got shape " +
             (t.valid() ? t.shape().ToString() : "none"));
  return d;
}

std::vector<double> Model::test_on_batch(const Arrays& x, const Arrays& y, OnBatchOptions o) {
  const Data d = PrepareTraining(x, y, o.sample_weight, {}, /*batch_size=*/1, "test_on_batch");
  return RunEvaluation(d, std::max<int64_t>(1, d.samples()), nullptr, {});
}

Tensor Model::predict_on_batch(const Arrays& x) {
  // predict checks the arrays; this only sizes the one batch.
  const Tensor& first = !x.list.empty()      ? x.list[0]
                        : !x.by_name.empty() ? x.by_name.begin()->second
                                             : Tensor();
  const int64_t n = first.valid() && first.rank() > 0 ? first.dim(0) : 1;
  return predict(x, {.batch_size = std::max<int64_t>(1, n)});
}

void Model::RequireFreshCompile(const char* what) const {
  if (compile_stale_)
    throw ValueError(std::string(what) +
                     ": the model's layers changed after compile() (a layer was added); compile "
                     "the model again before training/testing. Use `model.compile(optimizer, "
                     "loss)`.");
}

History Model::fit(const Arrays& x_in, const Arrays& y_in, FitOptions o) {
  RequireFreshCompile("fit");
  if (!(o.validation_split >= 0 && o.validation_split < 1))
    throw ValueError("fit: `validation_split` must be in [0, 1), received: " +
                     FormatDouble(o.validation_split));
  // A model that is not compiled trains through a train_step of its own, on the arrays as given.
  Data d = compiled_
               ? PrepareTraining(x_in, y_in, o.sample_weight, o.class_weight, o.batch_size, "fit")
               : UncheckedTrainingData(x_in, y_in, o);
  Data v;
  if (o.validation_data) {
    v.x = PrepareInputs(o.validation_data->first);
    v.y = PrepareTargets(o.validation_data->second, v.x[0].dim(0));
    v.sample_weight = PrepareSampleWeights({}, {}, v.y);
  } else if (o.validation_split > 0) {
    // Keras takes the last fraction, before any shuffling.
    const int64_t split = static_cast<int64_t>(double(d.samples()) * (1.0 - o.validation_split));
    if (split == 0 || split == d.samples())
      throw ValueError("Training data contains " + std::to_string(d.samples()) +
                       " samples, which is not sufficient to split it into a validation and "
                       "training set as specified by `validation_split=" +
                       FormatDouble(o.validation_split) +
                       "`. Either provide more data, or a different value for the "
                       "`validation_split` argument.");
    for (auto [from, to] : {std::pair{&d.x, &v.x}, std::pair{&d.y, &v.y},
                            std::pair{&d.sample_weight, &v.sample_weight}})
      for (Tensor& t : *from) {
        to->push_back(t.Slice(split, t.dim(0)));
        t = t.Slice(0, split);
      }
  }
  const bool validate = !v.x.empty() && v.samples() > 0;
  o.validation_freq.Check();
  if (o.steps_per_epoch && *o.steps_per_epoch < 1)
    throw ValueError("fit: steps_per_epoch must be positive, got " +
                     std::to_string(*o.steps_per_epoch));
  const int64_t n = d.samples();
  const int64_t batches = (n + o.batch_size - 1) / o.batch_size;
  if (o.verbose && validate)
    *o.out << "Train on " << n << " samples, validate on " << v.samples() << " samples\n";
  // What the default train_step reports; a train_step of one's own says in its logs.
  const std::vector<std::string> names = compiled_ ? metrics_names() : std::vector<std::string>{};
  callbacks::Params params{.epochs = o.epochs,
                           .steps = o.steps_per_epoch.value_or(batches),
                           .samples = n,
                           .batch_size = o.batch_size,
                           .verbose = o.verbose,
                           .metrics = names};
  if (validate)
    for (const std::string& k : names) params.metrics.push_back("val_" + k);
  callbacks::CallbackList cbs = o.callbacks;
  const bool has_bar = std::any_of(cbs.begin(), cbs.end(), [](const auto& cb) {
    return dynamic_cast<const callbacks::ProgbarLogger*>(cb.get()) != nullptr;
  });
  if (o.verbose && !has_bar) {
    const bool steps = o.progress == ProgressStyle::kSteps || o.steps_per_epoch;
    auto bar = std::make_shared<callbacks::ProgbarLogger>(callbacks::ProgbarLoggerOptions{
        .count_mode = steps ? "steps" : "samples", .dynamic = o.dynamic, .clock = o.clock});
    cbs.insert(steps ? cbs.end() : cbs.begin(), bar);
  }
  History history;
  std::vector<int64_t> index(n);
  std::vector<Tensor> buffers;
  stop_training = false;
  callbacks::Logs logs;
  for (const auto& cb : cbs) {
    cb->set_model(this, o.out);
    cb->set_params(params);
  }
  resume_.reset();
  fit_position_ = {};
  for (const auto& cb : cbs) cb->on_train_begin(logs);
  // A resumed run (BackupAndRestore) goes on where it was, even in the middle of a pass.
  std::optional<FitPosition> resume = std::move(resume_);
  resume_.reset();
  const int first_epoch = resume ? resume->epoch : o.initial_epoch;
  int64_t seen = batches;  // batches of the current pass over the data taken so far
  for (int epoch = first_epoch; epoch < o.epochs && !stop_training; ++epoch) {
    const bool mid_pass = resume && resume->seen < batches;
    if (mid_pass) std::istringstream(resume->pass_generator) >> backend::GlobalGenerator();
    if (mid_pass || seen >= batches || !o.steps_per_epoch) {
      // A fresh order for each pass, as Keras shuffles a new arange: the batches depend on the
      // generator's state alone.
      std::ostringstream before;
      before << backend::GlobalGenerator();
      fit_position_.pass_generator = before.str();
      std::iota(index.begin(), index.end(), 0);
      if (o.shuffle.batches)
        ShuffleBatches(index, o.batch_size);
      else if (o.shuffle.on)
        std::shuffle(index.begin(), index.end(), backend::GlobalGenerator());
      seen = mid_pass ? resume->seen : 0;
    }
    logs.clear();
    for (const auto& cb : cbs) cb->on_epoch_begin(epoch, logs);
    epoch_totals_.reset();  // Keras resets the metrics every epoch
    int64_t first_step = 0;
    if (resume) {
      first_step = resume->step;
      if (compiled_ && first_step > 0) {
        epoch_totals_ = std::make_unique<metrics::Accumulator>(train_.reported);
        epoch_totals_->Restore(resume->totals);
      }
      resume.reset();
    }
    for (int64_t step = first_step; step < params.steps && !stop_training; ++step, ++seen) {
      if (seen >= batches) {
        LogWarning(
            "Your input ran out of data; interrupting epoch. Make sure that your dataset or "
            "generator can generate at least `steps_per_epoch * epochs` batches.");
        break;
      }
      const int64_t s = seen * o.batch_size, e = std::min(n, s + o.batch_size);
      logs.clear();
      for (const auto& cb : cbs) cb->on_train_batch_begin(step, logs);
      const std::vector<int64_t>* idx = o.shuffle.on ? &index : nullptr;
      TrainBatch batch{.size = e - s};
      buffers.resize(d.x.size() + d.y.size() + d.sample_weight.size());
      size_t k = 0;
      for (auto [from, to] : {std::pair{&d.x, &batch.x}, std::pair{&d.y, &batch.y},
                              std::pair{&d.sample_weight, &batch.sample_weight}})
        for (const Tensor& t : *from) to->push_back(Batch(t, idx, s, e, buffers[k++]));
      logs = train_step(batch);
      fit_position_.epoch = epoch;
      fit_position_.step = step + 1;
      fit_position_.seen = seen + 1;
      for (const auto& cb : cbs) cb->on_train_batch_end(step, logs);
    }
    // The last batch's running results (a callback's additions to the batch logs left out).
    callbacks::Logs epoch_logs = compiled_ ? callbacks::Logs{} : logs;
    for (size_t i = 0; i < names.size(); ++i)
      if (auto it = logs.find(names[i]); it != logs.end()) epoch_logs[names[i]] = it->second;
    if (validate && o.validation_freq.Due(epoch)) {
      const std::vector<double> scores = RunEvaluation(v, o.batch_size, nullptr, cbs);
      for (size_t i = 0; i < scores.size(); ++i) epoch_logs["val_" + names[i]] = scores[i];
    }
    logs = std::move(epoch_logs);
    fit_position_ = {epoch + 1, 0, seen, fit_position_.pass_generator, {}};
    for (const auto& cb : cbs) cb->on_epoch_end(epoch, logs);
    history.epoch.push_back(epoch);
    for (const auto& [k, v] : logs) history.history[k].push_back(v);
  }
  // Keras's finalize_variable_values once training ran: EMA's averages become the weights.
  epoch_totals_.reset();
  if (compiled_ && first_epoch < o.epochs) optimizer()->finalize_variable_values();
  for (const auto& cb : cbs) cb->on_train_end(logs);
  return history;
}

std::vector<double> Model::evaluate(const Arrays& x_in, const Arrays& y_in, EvaluateOptions o) {
  const Data d = PrepareTraining(x_in, y_in, o.sample_weight, {}, o.batch_size, "evaluate");
  std::optional<Progbar> bar;
  if (o.verbose)
    bar.emplace(d.samples(), ProgbarOptions{.verbose = o.verbose, .clock = o.clock}, *o.out);
  for (const auto& cb : o.callbacks) {
    cb->set_model(this, o.out);
    cb->set_params({.steps = (d.samples() + o.batch_size - 1) / o.batch_size,
                    .samples = d.samples(),
                    .batch_size = o.batch_size,
                    .verbose = o.verbose,
                    .metrics = metrics_names()});
  }
  return RunEvaluation(d, o.batch_size, bar ? &*bar : nullptr, o.callbacks);
}

std::vector<Tensor> Model::RunPredict(const Arrays& x_in, PredictOptions o, bool all) {
  if (o.batch_size <= 0) throw ValueError("predict: batch_size must be positive");
  // One executor's planned buffers serve every call: calls from several threads take turns.
  std::lock_guard lock(*predict_mutex_);
  std::vector<Tensor> x = PrepareInputs(x_in);
  forward_graph();
  const int64_t n = x[0].dim(0);
  const size_t outputs = all ? outputs_.size() : 1;
  std::vector<Tensor> result;
  for (size_t k = 0; k < outputs; ++k) {
    std::vector<int64_t> dims = outputs_[k].shape().dims();
    dims[0] = n;
    // float32 but for a model that only reshapes an integer input (Input(int32) -> Flatten).
    result.emplace_back(forward_.graph.type(forward_.y_pred[k]).dtype, Shape(dims));
  }
  for (const auto& cb : o.callbacks) {
    cb->set_model(this, &std::cout);
    cb->set_params(
        {.steps = (n + o.batch_size - 1) / o.batch_size, .samples = n, .batch_size = o.batch_size});
  }
  callbacks::Logs logs;
  for (const auto& cb : o.callbacks) cb->on_predict_begin(logs);
  std::vector<Feed> feeds;
  for (int64_t s = 0, step = 0; s < n; s += o.batch_size, ++step) {
    const int64_t e = std::min(n, s + o.batch_size);
    for (const auto& cb : o.callbacks) cb->on_predict_batch_begin(step, logs);
    feeds.clear();
    for (size_t i = 0; i < x.size(); ++i) feeds.push_back({forward_.x[i], x[i].Slice(s, e)});
    const auto& out = forward_.executor->RunInPlace(feeds);
    for (size_t k = 0; k < outputs; ++k) result[k].Slice(s, e).CopyFrom(out[k]);
    for (const auto& cb : o.callbacks) cb->on_predict_batch_end(step, logs);
  }
  for (const auto& cb : o.callbacks) cb->on_predict_end(logs);
  return result;
}

Tensor Model::predict(const Arrays& x, PredictOptions o) { return RunPredict(x, o, false)[0]; }

std::vector<Tensor> Model::predict_all(const Arrays& x, PredictOptions o) {
  return RunPredict(x, o, true);
}

int64_t Model::count_params() {
  Build();
  int64_t n = 0;
  for (const auto& l : layers_) n += l->count_params();
  return n;
}

int Model::NodeIndex(const LayerNode& node) const {
  int index = 0;
  for (const auto& n : node.layer->inbound_nodes()) {
    if (n.get() == &node) return index;
    if (std::any_of(nodes_.begin(), nodes_.end(), [&](const auto& m) { return m == n; })) ++index;
  }
  throw Error("layer node of '" + node.layer->name() + "' is not in model '" + name_ + "'");
}

void Model::summary(std::ostream& out) {
  const std::vector<SummaryRow> rows = summary_rows();
  int64_t total = 0, trainable = 0;
  for (const auto& l : layers_) {
    const std::vector<bool> mask = l->TrainableMask();
    for (size_t i = 0; i < l->weights().size(); ++i) {
      total += l->weights()[i].value.num_elements();
      if (mask[i]) trainable += l->weights()[i].value.num_elements();
    }
  }
  PrintSummaryTable(out, name_, rows, total, trainable, !sequential_);
}

std::vector<SummaryRow> Model::summary_rows() {
  Build();
  std::vector<SummaryRow> rows;
  for (const auto& l : layers_) {
    SummaryRow row{l->name() + " (" + l->class_name() + ")", "", l->count_params()};
    int calls = 0;
    for (const auto& node : nodes_) {
      if (node->layer != l) continue;
      ++calls;
      row.output_shape =
          node->output_shapes.size() == 1 ? KerasShapeString(node->output_shapes[0]) : "multiple";
      for (const KerasTensor& t : node->inputs)
        row.connected_to.push_back(t.layer().name() + "[" + std::to_string(NodeIndex(*t.node())) +
                                   "][" + std::to_string(t.index()) + "]");
    }
    if (calls > 1) row.output_shape = "multiple";  // as Keras prints a shared layer
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json Model::get_config() const {
  // ModelConfig builds the model; a model inside another one is built already.
  return ModelConfig(const_cast<Model&>(*this))["config"];
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

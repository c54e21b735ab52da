// The base of every Keras layer. A layer is built once for an input shape (creating its weights
// with their initial values), then lowered into a graph by Call(). Weights are owned by the layer
// as tensors; the model's VariableStore shares their buffers, so training updates them in place.
//
//   class MyLayer : public Layer {            // a single-input layer implements CallOne
//     std::string class_name() const override { return "MyLayer"; }
//     Shape ComputeOutputShape(const Shape& in) const override { return in; }
//     ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override {
//       return b.Op("MatMul", {x, ctx.weights[0]});
//     }
//   };
//   // A layer with several inputs or outputs (a merge layer) overrides Call(b, inputs, ctx)
//   // and ComputeOutputShapes.
//
// Every concrete layer class says KILN_LAYER_CLASS(Name) in its body, so that calling a temporary
// on symbolic tensors (layers::Dense(10)(x), keras_tensor.h) can move it into the model's graph.
// A layer called several times (shared weights) is held as a LayerRef: LayerRef d = Dense(8);
// d(a); d(b).
//
// A layer holds no graph state: the lowering (the model) creates the Variable nodes of the
// layer's weights in the graph it is building and hands them over in CallContext, so one layer
// can be lowered into several graphs (train, evaluate) and shared by several models.
//
// Shapes here include the batch dimension (kUnknownDim), as Keras prints them: (None, 784).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "graph/graph_builder.h"
#include "keras/keras_tensor.h"

namespace kiln::keras {

struct Weight {
  std::string name;  // "kernel", "bias"
  Tensor value;
  bool trainable = true;
};

class Layer;

// The loss terms a layer call adds (Keras's layer.losses): weight regularizers, once per layer
// however often it is called, and activity regularizers, once per call.
struct AddedLosses {
  std::vector<ValueRef> terms;
  std::set<const Layer*> weights_regularized;
};

struct CallContext {
  bool training = false;
  // False inside a frozen layer or model: BatchNormalization then runs in inference mode, as
  // Keras's does when trainable is false.
  bool trainable = true;
  // Where regularization losses go (the training and evaluation graphs); nullptr for predict.
  AddedLosses* losses = nullptr;
  // Where a layer records state-update nodes a training step must run (batch-norm statistics).
  std::vector<int>* updates = nullptr;
  // The Variable nodes of this layer's weights() and states(), in their order, in the graph
  // being lowered.
  std::span<const ValueRef> weights = {}, states = {};
  // Keras's masks of the inputs, one per input (an invalid ValueRef where an input has none): a
  // float32 (batch, steps) tensor, 1 for a step to use and 0 for one to skip. The recurrent
  // layers and GlobalAveragePooling1D read them; ComputeMask says what the outputs carry.
  std::span<const ValueRef> masks = {};
};

class Layer {
 public:
  virtual ~Layer() = default;

  virtual std::string class_name() const = 0;
  const std::string& name() const { return name_; }
  // Before the layer joins a model; throws kiln::ValueError on an empty name.
  void set_name(std::string name);

  // The input shape the user declared (input_shape / input_dim), batch dimension included.
  const std::optional<Shape>& declared_input_shape() const { return declared_input_shape_; }

  // Creates the weights for `input_shape` (idempotent for the same shape). Throws
  // kiln::ShapeError naming the layer when the shape does not fit.
  void Build(const Shape& input_shape);
  // The same for a layer with several inputs.
  void Build(std::span<const Shape> input_shapes);
  bool built() const { return built_; }
  // The (first) input's shape the layer was built for, and every input's.
  const Shape& input_shape() const { return input_shape_; }
  const std::vector<Shape>& input_shapes() const { return input_shapes_; }
  Shape output_shape() const { return ComputeOutputShape(input_shape_); }
  virtual Shape ComputeOutputShape(const Shape& input_shape) const = 0;
  // The output shapes for several inputs; the default is a single-input layer's.
  virtual std::vector<Shape> ComputeOutputShapes(std::span<const Shape> input_shapes) const;

  // Emits the layer's ops for its inputs and returns its outputs. The default, for single-input
  // layers, checks that there is one input and calls CallOne. Throws kiln::ValueError naming the
  // layer on a wrong number of inputs.
  virtual std::vector<ValueRef> Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                                     const CallContext& ctx);
  // One input, one output.
  ValueRef Call(GraphBuilder& b, ValueRef x, const CallContext& ctx);

  // Keras's compute_mask: the masks of a call's `n_outputs` outputs (invalid ValueRefs for
  // none). The default passes the first input's mask to every output when supports_masking(),
  // and drops it otherwise, as Keras does (with a warning there).
  virtual std::vector<ValueRef> ComputeMask(GraphBuilder& b, std::span<const ValueRef> inputs,
                                            std::span<const ValueRef> masks,
                                            size_t n_outputs) const;
  // Keras's supports_masking: the layer works step by step, so its input's mask holds for its
  // output (Dense, Activation, Dropout, normalizations...).
  virtual bool supports_masking() const { return false; }

  // Keras's layer.trainable. False freezes every weight of the layer (of a model: of all its
  // layers, which it sets too) and runs BatchNormalization in inference mode. As in Keras, it
  // takes effect at the next compile().
  bool trainable() const { return trainable_; }
  virtual void set_trainable(bool trainable) { trainable_ = trainable; }
  // Whether each of weights() is trained: its own flag (false for moving statistics) and the
  // layer's.
  virtual std::vector<bool> TrainableMask() const;

  std::vector<Weight>& weights() { return weights_; }
  const std::vector<Weight>& weights() const { return weights_; }
  // Variables that are neither weights nor saved (a dropout layer's generator state).
  std::vector<Weight>& states() { return states_; }
  const std::vector<Weight>& states() const { return states_; }
  int64_t count_params() const;

  // The functional API (keras_tensor.h): calls a temporary layer on symbolic tensors, moving it
  // into the graph. Throws kiln::ValueError for a layer with several outputs (use LayerRef's
  // CallAll) and kiln::ShapeError when the shapes do not fit.
  KerasTensor operator()(const KerasTensor& x) &&;
  KerasTensor operator()(const std::vector<KerasTensor>& inputs) &&;
  // A named layer called twice would need to be shared: hold it as a LayerRef instead.
  KerasTensor operator()(const KerasTensor& x) & = delete;
  KerasTensor operator()(const std::vector<KerasTensor>& inputs) & = delete;
  // What KILN_LAYER_CLASS defines: this layer, moved into a shared pointer.
  virtual std::shared_ptr<Layer> MoveToShared() && = 0;

  // The calls recorded on this layer that are still alive, in call order.
  std::vector<std::shared_ptr<const LayerNode>> inbound_nodes() const;
  void AddNode(const std::shared_ptr<const LayerNode>& node) { nodes_.push_back(node); }
  // Keras's layer.input / layer.output: defined for a layer called exactly once; throws
  // kiln::ValueError otherwise.
  KerasTensor input() const;
  KerasTensor output() const;

  // tf.keras's layer config (the "config" object of model_config).
  virtual nlohmann::json get_config() const;
  // Whether an integer input reaches the layer as it is (Flatten keeps it, as in Keras). Other
  // layers compute in float32, and the model casts any other input to float32 for them, as
  // Keras's Dense casts integer inputs and autocasts float64 ones.
  virtual bool KeepsIntegerInputs() const { return false; }

 protected:
  // Called by Build() the first time; creates weights with AddWeight. A layer with several
  // inputs gets the first input's shape.
  virtual void BuildWeights(const Shape& input_shape) { (void)input_shape; }
  // What a single-input layer emits; the default throws (for layers that override Call).
  virtual ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx);
  // Throws kiln::ValueError naming the layer unless there are `want` of `what`.
  void ExpectCount(const char* what, size_t got, size_t want) const;
  Weight& AddWeight(const std::string& name, Tensor initial, bool trainable = true);
  // Sets the auto-name from the class name unless `name` is given; records the declared input.
  void InitBase(const std::string& name, const std::vector<int64_t>& input_shape,
                int64_t input_dim);
  [[noreturn]] void ShapeFail(const std::string& message) const;

  std::string name_;
  bool trainable_ = true;
  std::optional<Shape> declared_input_shape_;
  Shape input_shape_;
  std::vector<Shape> input_shapes_;
  bool built_ = false;
  std::vector<std::weak_ptr<const LayerNode>> nodes_;
  std::vector<Weight> weights_;
  std::vector<Weight> states_;
};

// Any layer, held by a shared pointer so that a model and its user can both refer to it.
// Implicit from any Layer subclass value, so that Sequential({Dense(1), ...}) reads like Keras.
class LayerRef {
 public:
  template <typename L, typename = std::enable_if_t<std::is_base_of_v<Layer, L>>>
  LayerRef(L layer) : ptr_(std::make_shared<L>(std::move(layer))) {}  // NOLINT
  LayerRef(std::shared_ptr<Layer> p) : ptr_(std::move(p)) {}          // NOLINT
  template <typename L, typename = std::enable_if_t<std::is_base_of_v<Layer, L>>>
  LayerRef(std::shared_ptr<L> p) : ptr_(std::move(p)) {}  // NOLINT
  // Keras's Sequential([Input(...), ...]): the InputLayer behind an Input tensor.
  LayerRef(const KerasTensor& input);  // NOLINT
  Layer* operator->() const { return ptr_.get(); }
  Layer& operator*() const { return *ptr_; }
  const std::shared_ptr<Layer>& get() const { return ptr_; }
  // Calls the layer on symbolic tensors; every call shares the layer's weights.
  KerasTensor operator()(const KerasTensor& x) const;
  KerasTensor operator()(const std::vector<KerasTensor>& inputs) const;
  // Every output, for a layer with several (a nested model with two outputs).
  // `training` fixes the call's mode (Keras's layer(x, training=False)); unset follows the model.
  std::vector<KerasTensor> CallAll(const std::vector<KerasTensor>& inputs,
                                   std::optional<bool> training = std::nullopt) const;

 private:
  std::shared_ptr<Layer> ptr_;
};

// In the body of every concrete layer class (see the top of this file).
#define KILN_LAYER_CLASS(Class)                                      \
 public:                                                             \
  std::shared_ptr<::kiln::keras::Layer> MoveToShared() && override { \
    return std::make_shared<Class>(std::move(*this));                \
  }                                                                  \
                                                                     \
 private:

// "(None, 784)", Keras's way to print a shape.
std::string KerasShapeString(const Shape& s);

}  // namespace kiln::keras

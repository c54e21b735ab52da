#include "keras/layers/recurrent.h"

#include "keras/layers/dropout.h"
#include "keras/layers/layer_registry.h"
#include "keras/layers/masking.h"
#include "ops/recurrent_common.h"

namespace kiln::keras::layers {
namespace {
Tensor Zeros(const Shape& s, DType dtype) {
  return Tensor::FromVector(std::vector<float>(s.NumElements()), s).astype(dtype);
}
}  // namespace

Recurrent::Recurrent(const char* op, int gates, int states, int64_t units, RNNOptions options)
    : op_(op), gates_(gates), states_count_(states), units_(units), o_(std::move(options)) {}

void Recurrent::CheckOptions() const {
  const std::string where = class_name() + " '" + name_ + "'";
  if (units_ <= 0 || units_ > config::kMaxSize)
    throw ValueError(where + ": units must be between 1 and " + std::to_string(config::kMaxSize) +
                     ", got " + std::to_string(units_));
  for (double rate : {o_.dropout, o_.recurrent_dropout})
    if (!(rate >= 0 && rate < 1))
      throw ValueError(where + ": dropout rates must be in [0, 1), got " + std::to_string(rate));
  for (const std::string* a : {&o_.activation, &o_.recurrent_activation})
    if (!ops::IsRecurrentActivation(*a)) {
      std::string known;
      for (std::string_view k : ops::RecurrentActivationNames())
        known += (known.empty() ? "" : ", ") + std::string(k);
      throw ValueError(where + ": activation '" + *a +
                       "' is not one Kiln's recurrent kernels run (" + known + ")");
    }
  o_.kernel_initializer.Validate(where + " kernel_initializer");
  o_.recurrent_initializer.Validate(where + " recurrent_initializer");
  o_.bias_initializer.Validate(where + " bias_initializer");
}

std::vector<Shape> Recurrent::ComputeOutputShapes(std::span<const Shape> in) const {
  if (in.empty()) ShapeFail("called without inputs");
  const Shape& x = in[0];
  if (x.rank() != 3)
    ShapeFail("expected an input of rank 3 (batch, steps, features), got " + KerasShapeString(x));
  if (in.size() != 1 && in.size() != static_cast<size_t>(1 + states_count_))
    ShapeFail("takes the sequence and " + std::to_string(states_count_) +
              " initial state(s), got " + std::to_string(in.size()) + " inputs");
  for (size_t k = 1; k < in.size(); ++k)
    if (in[k].rank() != 2 || (in[k][1] != kUnknownDim && in[k][1] != units_))
      ShapeFail("initial state " + std::to_string(k - 1) + " must be (batch, " +
                std::to_string(units_) + "), got " + KerasShapeString(in[k]));
  std::vector<Shape> out = {o_.return_sequences ? Shape{x[0], x[1], units_} : Shape{x[0], units_}};
  if (o_.return_state)
    for (int k = 0; k < states_count_; ++k) out.push_back(Shape{x[0], units_});
  return out;
}

Shape Recurrent::ComputeOutputShape(const Shape& in) const {
  return ComputeOutputShapes(std::span<const Shape>(&in, 1))[0];
}

Shape Recurrent::BiasShape() const { return Shape{gates_ * units_}; }

Tensor Recurrent::InitialBias() const {
  return o_.bias_initializer(BiasShape(), class_name() + " '" + name_ + "' bias_initializer");
}

void Recurrent::BuildWeights(const Shape& in) {
  if (in.rank() != 3 || in[2] == kUnknownDim)
    ShapeFail("expected (batch, steps, features) with the features known, got " +
              KerasShapeString(in));
  const std::string where = class_name() + " '" + name_ + "' ";
  AddWeight("kernel", o_.kernel_initializer(Shape{in[2], gates_ * units_}, where + "kernel"));
  AddWeight("recurrent_kernel",
            o_.recurrent_initializer(Shape{units_, gates_ * units_}, where + "recurrent_kernel"));
  if (o_.use_bias) AddWeight("bias", InitialBias());
  // One generator for the input dropout, one for the recurrent one (in that order).
  if (o_.dropout > 0) states_.push_back(SeedState(o_.seed));
  if (o_.recurrent_dropout > 0) {
    Weight s = SeedState(o_.seed ? std::optional<uint64_t>(*o_.seed + 1) : std::nullopt);
    s.name = "recurrent_seed_state";
    states_.push_back(std::move(s));
  }
  // stateful: the states carried from one batch to the next (Keras's layer.states: not weights,
  // not saved), one row per sample of the fixed batch.
  if (o_.stateful) {
    if (in[0] == kUnknownDim)
      ShapeFail(
          "stateful=True needs a fixed batch size: Input({.shape = ..., .batch_size = N}) "
          "(Keras's batch_shape), got " +
          KerasShapeString(in));
    for (int k = 0; k < states_count_; ++k)
      states_.push_back(
          {k == 0 ? "state_h" : "state_c",
           Tensor::FromVector(std::vector<float>(in[0] * units_), Shape{in[0], units_}), false});
  }
}

ValueRef Recurrent::RecurrentDropoutMask(GraphBuilder& b, ValueRef x, ValueRef seed) const {
  // Dropout of a (batch, units) tensor of ones: the ones come out of x's first step exactly
  // (OnesLike, then a product with a matrix whose first row is ones and the rest zeros).
  const DType dtype = b.type(x).dtype;
  const int64_t features = b.type(x).shape[2];
  std::vector<float> first_row(features * units_, 0.0f);
  std::fill(first_row.begin(), first_row.begin() + units_, 1.0f);
  const ValueRef ones = b.Op(
      "MatMul", {b.Op("OnesLike", {b.Op("ReduceSum", {x}, {{"axes", std::vector<int64_t>{1}}})}),
                 b.Const(Tensor::FromVector(first_row, Shape{features, units_}).astype(dtype))});
  return b.OpN("Dropout", {seed, ones}, {{"rate", o_.recurrent_dropout}})[0];
}

std::vector<ValueRef> Recurrent::Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                                      const CallContext& ctx) {
  std::vector<Shape> shapes;
  for (ValueRef v : inputs) shapes.push_back(b.type(v).shape);
  ComputeOutputShapes(shapes);
  ValueRef x = inputs[0];
  const DType dtype = b.type(x).dtype;
  if (ctx.training && o_.dropout > 0)
    x = b.OpN(
        "Dropout", {ctx.states[0], x},
        {{"rate", o_.dropout}, {"noise_shape", std::vector<int64_t>{-1, 1, shapes[0][2]}}})[0];
  std::vector<ValueRef> in = {x};
  const size_t carried = (o_.dropout > 0) + (o_.recurrent_dropout > 0);  // the states' first
  for (int k = 0; k < states_count_; ++k)
    in.push_back(inputs.size() > 1 ? inputs[1 + k]
                 : o_.stateful     ? ctx.states[carried + k]
                                   : b.Const(Zeros(Shape{1, units_}, dtype), "initial_state"));
  in.push_back(ctx.weights[0]);
  in.push_back(ctx.weights[1]);
  in.push_back(o_.use_bias ? ctx.weights[2] : b.Const(Zeros(BiasShape(), dtype), "bias"));
  const ValueRef mask =
      ctx.masks.empty() || !ctx.masks[0].valid() ? ValueRef{} : MaskAs(b, ctx.masks[0], dtype);
  in.push_back(mask.valid() ? mask : b.Scalar(1.0, dtype));
  in.push_back(ctx.training && o_.recurrent_dropout > 0
                   ? RecurrentDropoutMask(b, x, ctx.states[o_.dropout > 0 ? 1 : 0])
                   : b.Scalar(1.0, dtype));
  AttrMap attrs = ExtraAttrs();
  attrs.Set("activation", o_.activation);
  attrs.Set("recurrent_activation", o_.recurrent_activation);
  attrs.Set("go_backwards", o_.go_backwards);
  attrs.Set("zero_output_for_mask", o_.zero_output_for_mask);
  attrs.Set("outputs_in_time_order", outputs_in_time_order_);
  const std::vector<ValueRef> out = b.OpN(op_, in, attrs);
  // The final states become the next batch's initial ones, in training and inference alike.
  if (o_.stateful && ctx.updates)
    for (int k = 0; k < states_count_; ++k) {
      b.OpN("Assign", {ctx.states[carried + k], out[1 + k]});
      ctx.updates->push_back(b.graph().capacity() - 1);
    }
  ValueRef y = out[0];
  if (!o_.return_sequences) {
    y = out[1];
    // The last output is the final h, but for a row with no kept step: Keras's is zero there,
    // the state the initial one.
    if (mask.valid() && inputs.size() > 1)
      y = b.Op("Mul", {y, b.Op("ReduceMax", {mask},
                               {{"axes", std::vector<int64_t>{1}}, {"keep_dims", true}})});
  }
  std::vector<ValueRef> result = {y};
  if (o_.return_state)
    for (int k = 0; k < states_count_; ++k) result.push_back(out[1 + k]);
  return result;
}

void Recurrent::reset_states() {
  for (Weight& s : states_)
    if (s.name == "state_h" || s.name == "state_c")
      std::fill(s.value.data<float>(), s.value.data<float>() + s.value.num_elements(), 0.0f);
}

std::vector<ValueRef> Recurrent::ComputeMask(GraphBuilder&, std::span<const ValueRef>,
                                             std::span<const ValueRef> masks,
                                             size_t n_outputs) const {
  std::vector<ValueRef> out(n_outputs);
  if (o_.return_sequences && !masks.empty() && n_outputs > 0) out[0] = masks[0];
  return out;
}

nlohmann::json Recurrent::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["units"] = units_;
  c["activation"] = o_.activation;
  c["recurrent_activation"] = o_.recurrent_activation;
  c["use_bias"] = o_.use_bias;
  c["kernel_initializer"] = o_.kernel_initializer.ToConfig();
  c["recurrent_initializer"] = o_.recurrent_initializer.ToConfig();
  c["bias_initializer"] = o_.bias_initializer.ToConfig();
  c["kernel_regularizer"] = o_.kernel_regularizer;
  c["recurrent_regularizer"] = o_.recurrent_regularizer;
  c["bias_regularizer"] = o_.bias_regularizer;
  c["activity_regularizer"] = o_.activity_regularizer;
  c["kernel_constraint"] = o_.kernel_constraint;
  c["recurrent_constraint"] = o_.recurrent_constraint;
  c["bias_constraint"] = o_.bias_constraint;
  c["dropout"] = o_.dropout;
  c["recurrent_dropout"] = o_.recurrent_dropout;
  // tf.keras 2's recurrent layers take no seed argument: written only when one was set.
  if (o_.seed) c["seed"] = *o_.seed;
  c["return_sequences"] = o_.return_sequences;
  c["return_state"] = o_.return_state;
  c["go_backwards"] = o_.go_backwards;
  c["stateful"] = o_.stateful;
  c["unroll"] = o_.unroll;
  if (o_.zero_output_for_mask) c["zero_output_for_mask"] = true;
  return c;
}

RNNOptions RNNOptionsFromConfig(const nlohmann::json& c, const std::string& where,
                                std::vector<std::string>& unsupported) {
  RNNOptions o;
  config::CheckDType(c, where, unsupported);
  auto activation = [&](const char* key, std::string& out) {
    if (!c.contains(key)) return;
    const nlohmann::json& a = c[key];
    const std::string name = a.is_string()   ? a.get<std::string>()
                             : a.is_object() ? a.value("class_name", "?")
                                             : "?";
    if (ops::IsRecurrentActivation(name))
      out = name;
    else
      unsupported.push_back(where + ": " + key + " '" + name + "'");
  };
  activation("activation", o.activation);
  activation("recurrent_activation", o.recurrent_activation);
  auto flag = [&](const char* key, bool& out) {
    if (c.contains(key) && c[key].is_boolean()) out = c[key].get<bool>();
  };
  flag("use_bias", o.use_bias);
  flag("unit_forget_bias", o.unit_forget_bias);
  flag("reset_after", o.reset_after);
  flag("return_sequences", o.return_sequences);
  flag("return_state", o.return_state);
  flag("go_backwards", o.go_backwards);
  flag("stateful", o.stateful);
  flag("unroll", o.unroll);
  flag("zero_output_for_mask", o.zero_output_for_mask);
  if (c.value("time_major", false)) unsupported.push_back(where + ": time_major=True");
  for (const char* key : {"dropout", "recurrent_dropout"}) {
    const double rate = c.contains(key) && c[key].is_number() ? c[key].get<double>() : 0.0;
    if (!(rate >= 0 && rate < 1)) unsupported.push_back(where + ": " + key);
    (std::string(key) == "dropout" ? o.dropout : o.recurrent_dropout) = rate;
  }
  if (c.contains("seed") && c["seed"].is_number_integer()) o.seed = c["seed"].get<uint64_t>();
  for (auto [key, init] : {std::pair{"kernel_initializer", &o.kernel_initializer},
                           std::pair{"recurrent_initializer", &o.recurrent_initializer},
                           std::pair{"bias_initializer", &o.bias_initializer}})
    if (c.contains(key)) *init = config::ParseInitializer(c[key], where + " " + key, unsupported);
  o.kernel_regularizer = config::Kept(c, "kernel_regularizer");
  o.recurrent_regularizer = config::Kept(c, "recurrent_regularizer");
  o.bias_regularizer = config::Kept(c, "bias_regularizer");
  o.activity_regularizer = config::Kept(c, "activity_regularizer");
  o.kernel_constraint = config::Kept(c, "kernel_constraint");
  o.recurrent_constraint = config::Kept(c, "recurrent_constraint");
  o.bias_constraint = config::Kept(c, "bias_constraint");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  return o;
}

}  // namespace kiln::keras::layers

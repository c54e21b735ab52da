#include "keras/layers/bidirectional.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {
namespace {

std::string WithoutPrefix(const std::string& name, const std::string& prefix) {
  return name.starts_with(prefix) ? name.substr(prefix.size()) : name;
}

// A fresh copy of `layer` from its config, as Keras's Bidirectional recreates its layers, renamed
// and running backwards or not; nullptr for a layer that is not recurrent.
std::shared_ptr<Recurrent> Recreate(const Layer& layer, const std::string& name,
                                    std::optional<bool> go_backwards) {
  if (!dynamic_cast<const Recurrent*>(&layer)) return nullptr;
  nlohmann::json c = layer.get_config();
  c["name"] = name;
  if (go_backwards) c["go_backwards"] = *go_backwards;
  std::vector<std::string> unsupported;
  std::shared_ptr<Layer> copy = (*FindLayerFactory(layer.class_name()))(c, unsupported);
  if (!copy || !unsupported.empty())
    throw ValueError(
        "Bidirectional: cannot recreate " + layer.class_name() + " '" + layer.name() +
        "' from its config: " + (unsupported.empty() ? std::string("?") : unsupported[0]));
  return std::dynamic_pointer_cast<Recurrent>(copy);
}

}  // namespace

Bidirectional::Bidirectional(LayerRef layer, BidirectionalOptions o)
    : merge_mode_(std::move(o.merge_mode)) {
  InitBase(o.name, o.input_shape, 0);
  const std::string where = "Bidirectional '" + name_ + "'";
  if (merge_mode_ != "concat" && merge_mode_ != "sum" && merge_mode_ != "mul" &&
      merge_mode_ != "ave" && !merge_mode_.empty())
    throw ValueError(where + ": merge_mode must be concat, sum, mul, ave or none, got '" +
                     merge_mode_ + "'");
  const std::string base = WithoutPrefix(layer->name(), "forward_");
  forward_ = Recreate(*layer, "forward_" + base, std::nullopt);
  if (!forward_)
    throw ValueError(where + ": wraps " + layer->class_name() + " '" + layer->name() +
                     "', which is not a recurrent layer (SimpleRNN, LSTM, GRU)");
  if (o.backward_layer) {
    const Layer& back = **o.backward_layer;
    backward_ = Recreate(back, back.name(), std::nullopt);
    if (!backward_)
      throw ValueError(where + ": backward_layer " + back.class_name() + " '" + back.name() +
                       "' is not a recurrent layer");
    if (backward_->options().go_backwards == forward_->options().go_backwards)
      throw ValueError(where +
                       ": the forward and backward layers must have different "
                       "go_backwards values, as Keras requires");
  } else {
    backward_ = Recreate(*layer, "backward_" + base, !forward_->options().go_backwards);
  }
  if (forward_->options().return_sequences != backward_->options().return_sequences ||
      forward_->options().return_state != backward_->options().return_state)
    throw ValueError(where + ": the forward and backward layers must agree in return_sequences " +
                     "and return_state");
  for (const auto& l : {forward_, backward_}) {
    const nlohmann::json c = l->get_config();
    for (const auto& [key, value] : c.items())
      if ((key.ends_with("_regularizer") || key.ends_with("_constraint")) && !value.is_null())
        throw ValueError(where + ": the " + key + " of " + l->class_name() + " '" + l->name() +
                         "' would not be applied inside it yet");
    // Keras's Bidirectional zeroes masked outputs when it returns sequences.
    l->set_zero_output_for_mask(l->options().return_sequences);
  }
  backward_->set_outputs_in_time_order(true);
}

std::vector<Shape> Bidirectional::ComputeOutputShapes(std::span<const Shape> in) const {
  if (in.size() != 1) ShapeFail("initial states as inputs are not supported yet");
  const std::vector<Shape> f = forward_->ComputeOutputShapes(in),
                           bk = backward_->ComputeOutputShapes(in);
  std::vector<Shape> out;
  if (merge_mode_.empty()) {
    out = {f[0], bk[0]};
  } else {
    Shape y = f[0];
    if (merge_mode_ == "concat") y[y.rank() - 1] = f[0].dim(-1) + bk[0].dim(-1);
    out = {y};
  }
  out.insert(out.end(), f.begin() + 1, f.end());
  out.insert(out.end(), bk.begin() + 1, bk.end());
  return out;
}

Shape Bidirectional::ComputeOutputShape(const Shape& in) const {
  return ComputeOutputShapes(std::span<const Shape>(&in, 1))[0];
}

void Bidirectional::BuildWeights(const Shape& in) {
  forward_->Build(in);
  backward_->Build(in);
  // The same tensors as the two layers', named under them as Keras's files list them.
  for (const auto& l : {forward_, backward_}) {
    for (const Weight& w : l->weights()) AddWeight(l->name() + "/" + w.name, w.value, w.trainable);
    for (const Weight& s : l->states())
      states_.push_back({l->name() + "/" + s.name, s.value, s.trainable});
  }
}

std::vector<ValueRef> Bidirectional::Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                                          const CallContext& ctx) {
  ExpectCount("inputs", inputs.size(), 1);
  CallContext fc = ctx, bc = ctx;
  const size_t fw = forward_->weights().size(), fs = forward_->states().size();
  fc.weights = ctx.weights.subspan(0, fw);
  bc.weights = ctx.weights.subspan(fw);
  fc.states = ctx.states.subspan(0, fs);
  bc.states = ctx.states.subspan(fs);
  std::vector<ValueRef> f, bk;
  {
    auto scope = b.Scope(forward_->name());
    f = forward_->Call(b, inputs, fc);
  }
  {
    auto scope = b.Scope(backward_->name());
    bk = backward_->Call(b, inputs, bc);
  }
  std::vector<ValueRef> out;
  if (merge_mode_.empty())
    out = {f[0], bk[0]};
  else if (merge_mode_ == "concat")
    out = {b.Op("Concat", {f[0], bk[0]}, {{"axis", int64_t{-1}}})};
  else if (merge_mode_ == "sum")
    out = {b.Op("Add", {f[0], bk[0]})};
  else if (merge_mode_ == "mul")
    out = {b.Op("Mul", {f[0], bk[0]})};
  else
    out = {b.Op("Mul", {b.Op("Add", {f[0], bk[0]}), b.Scalar(0.5, b.type(f[0]).dtype)})};
  out.insert(out.end(), f.begin() + 1, f.end());
  out.insert(out.end(), bk.begin() + 1, bk.end());
  return out;
}

std::vector<ValueRef> Bidirectional::ComputeMask(GraphBuilder&, std::span<const ValueRef>,
                                                 std::span<const ValueRef> masks,
                                                 size_t n_outputs) const {
  std::vector<ValueRef> out(n_outputs);
  if (forward_->options().return_sequences && !masks.empty())
    for (size_t i = 0; i < merged_outputs() && i < n_outputs; ++i) out[i] = masks[0];
  return out;
}

nlohmann::json Bidirectional::get_config() const {
  nlohmann::json c = Layer::get_config();
  // The layer as the user gave it (Keras recreates forward_ and backward_ from it).
  nlohmann::json inner = forward_->get_config();
  inner["name"] = WithoutPrefix(forward_->name(), "forward_");
  inner.erase("zero_output_for_mask");
  // With the module, as tf.keras 2.21 and Keras 3.15 write it: Keras 3 finds a nested layer's
  // class by it, also in a legacy .h5 file ("Could not locate class 'LSTM'" without).
  c["layer"] = {{"module", "keras.layers"},
                {"class_name", forward_->class_name()},
                {"config", inner},
                {"registered_name", nullptr}};
  c["merge_mode"] = merge_mode_.empty() ? nlohmann::json() : nlohmann::json(merge_mode_);
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Bidirectional '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  auto sub = [&](const char* key) -> std::shared_ptr<Layer> {
    const nlohmann::json inner = c.value(key, nlohmann::json());
    if (inner.is_null()) return nullptr;
    const std::string cls = inner.is_object() ? inner.value("class_name", "") : "";
    const LayerFactory* factory = cls.empty() ? nullptr : FindLayerFactory(cls);
    if (!factory) {
      unsupported.push_back(where + ": the wrapped layer " + (cls.empty() ? inner.dump() : cls));
      return nullptr;
    }
    return (*factory)(inner.value("config", nlohmann::json::object()), unsupported);
  };
  std::shared_ptr<Layer> layer = sub("layer"), backward = sub("backward_layer");
  if (!layer) {
    if (unsupported.size() == refused) unsupported.push_back(where + ": no layer");
    return nullptr;
  }
  if (c.contains("constants") || c.value("num_constants", 0) != 0)
    unsupported.push_back(where + ": constants");
  const nlohmann::json mode = c.value("merge_mode", nlohmann::json("concat"));
  if (unsupported.size() != refused) return nullptr;
  BidirectionalOptions o{.merge_mode = mode.is_string() ? mode.get<std::string>() : "",
                         .input_shape = config::InputShape(c),
                         .name = config::Name(c)};
  if (backward) o.backward_layer = LayerRef(backward);
  try {
    return std::make_shared<Bidirectional>(LayerRef(layer), std::move(o));
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("Bidirectional", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

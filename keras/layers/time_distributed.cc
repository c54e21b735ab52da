#include "keras/layers/time_distributed.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

TimeDistributed::TimeDistributed(LayerRef layer, TimeDistributedOptions options)
    : layer_(layer.get()) {
  InitBase(options.name, options.input_shape, 0);
}

Shape TimeDistributed::StepShape(const Shape& in) const {
  if (in.rank() < 3)
    ShapeFail("expected an input of rank 3 or more (batch, steps, ...), got " +
              KerasShapeString(in));
  std::vector<int64_t> dims = {kUnknownDim};
  dims.insert(dims.end(), in.dims().begin() + 2, in.dims().end());
  return Shape(dims);
}

Shape TimeDistributed::ComputeOutputShape(const Shape& in) const {
  const Shape step = layer_->ComputeOutputShape(StepShape(in));
  std::vector<int64_t> dims = {in[0], in[1]};
  dims.insert(dims.end(), step.dims().begin() + 1, step.dims().end());
  return Shape(dims);
}

void TimeDistributed::BuildWeights(const Shape& in) {
  layer_->Build(StepShape(in));
  const std::string inner = layer_->class_name() + " '" + layer_->name() + "'";
  if (!layer_->states().empty())
    ShapeFail("wrapping " + inner + ", which has states (a generator or moving statistics), " +
              "is not supported yet");
  const nlohmann::json config = layer_->get_config();
  for (const auto& [key, value] : config.items())
    if ((key.ends_with("_regularizer") || key.ends_with("_constraint")) && !value.is_null())
      ShapeFail("the " + key + " of " + inner + " would not be applied inside it yet");
  // The same tensors: what the model trains or loads here is what the wrapped layer computes with.
  for (const Weight& w : layer_->weights()) AddWeight(w.name, w.value, w.trainable);
}

ValueRef TimeDistributed::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  const Shape s = b.type(x).shape;
  for (int d = 1; d < s.rank(); ++d)
    if (s[d] < 0)
      ShapeFail("needs the steps and each step's shape to be known, got " + KerasShapeString(s));
  std::vector<int64_t> merged = {-1};
  merged.insert(merged.end(), s.dims().begin() + 2, s.dims().end());
  ValueRef y = layer_->Call(b, b.Op("Reshape", {x}, {{"shape", merged}}), ctx);
  const Shape ys = b.type(y).shape;
  std::vector<int64_t> out = {-1, s[1]};
  out.insert(out.end(), ys.dims().begin() + 1, ys.dims().end());
  return b.Op("Reshape", {y}, {{"shape", out}});
}

nlohmann::json TimeDistributed::get_config() const {
  nlohmann::json c = Layer::get_config();
  // With the module, as tf.keras 2.21 and Keras 3.15 write it: Keras 3 finds a nested layer's
  // class by it, also in a legacy .h5 file ("Could not locate class 'Dense'" without).
  c["layer"] = {{"module", "keras.layers"},
                {"class_name", layer_->class_name()},
                {"config", layer_->get_config()},
                {"registered_name", nullptr}};
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "TimeDistributed '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  const nlohmann::json inner = c.value("layer", nlohmann::json());
  const std::string cls = inner.is_object() ? inner.value("class_name", "") : "";
  const LayerFactory* factory = cls.empty() ? nullptr : FindLayerFactory(cls);
  if (!factory) {
    unsupported.push_back(where + ": the wrapped layer " + (cls.empty() ? inner.dump() : cls));
    return nullptr;
  }
  std::shared_ptr<Layer> layer =
      (*factory)(inner.value("config", nlohmann::json::object()), unsupported);
  if (!layer || unsupported.size() != refused) return nullptr;
  return std::make_shared<TimeDistributed>(
      LayerRef(layer), TimeDistributedOptions{config::InputShape(c), config::Name(c)});
}
KILN_REGISTER_LAYER("TimeDistributed", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

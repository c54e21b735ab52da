#include "keras/layers/embedding.h"

#include "keras/layers/layer_registry.h"
#include "keras/layers/masking.h"

namespace kiln::keras::layers {

Embedding::Embedding(int64_t input_dim, int64_t output_dim, EmbeddingOptions options)
    : input_dim_(input_dim), output_dim_(output_dim), o_(std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "Embedding '" + name_ + "'";
  if (input_dim <= 0 || output_dim <= 0 || input_dim > config::kMaxSize ||
      output_dim > config::kMaxSize)
    throw ValueError(where + ": input_dim and output_dim must be between 1 and " +
                     std::to_string(config::kMaxSize) + ", got " + std::to_string(input_dim) +
                     " and " + std::to_string(output_dim));
  o_.embeddings_initializer.Validate(where + " embeddings_initializer");
}

Shape Embedding::ComputeOutputShape(const Shape& in) const {
  std::vector<int64_t> out = in.dims();
  out.push_back(output_dim_);
  return Shape(out);
}

void Embedding::BuildWeights(const Shape&) {
  AddWeight("embeddings",
            o_.embeddings_initializer(Shape{input_dim_, output_dim_},
                                      "Embedding '" + name_ + "' embeddings_initializer"));
}

ValueRef Embedding::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  const DType t = b.type(x).dtype;
  if (t != kInt32 && t != kInt64) x = b.Op("Cast", {x}, {{"dtype", kInt32}});
  return b.Op("Gather", {ctx.weights[0], x});
}

std::vector<ValueRef> Embedding::ComputeMask(GraphBuilder& b, std::span<const ValueRef> inputs,
                                             std::span<const ValueRef>, size_t n_outputs) const {
  return std::vector<ValueRef>(n_outputs,
                               o_.mask_zero ? NotEqualMask(b, inputs[0], 0.0) : ValueRef{});
}

nlohmann::json Embedding::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["input_dim"] = input_dim_;
  c["output_dim"] = output_dim_;
  c["embeddings_initializer"] = o_.embeddings_initializer.ToConfig();
  c["embeddings_regularizer"] = o_.embeddings_regularizer;
  c["activity_regularizer"] = o_.activity_regularizer;
  c["embeddings_constraint"] = o_.embeddings_constraint;
  c["mask_zero"] = o_.mask_zero;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Embedding '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  EmbeddingOptions o;
  if (c.contains("embeddings_initializer"))
    o.embeddings_initializer = config::ParseInitializer(
        c["embeddings_initializer"], where + " embeddings_initializer", unsupported);
  o.embeddings_regularizer = config::Kept(c, "embeddings_regularizer");
  o.activity_regularizer = config::Kept(c, "activity_regularizer");
  o.embeddings_constraint = config::Kept(c, "embeddings_constraint");
  o.mask_zero = c.value("mask_zero", false);
  if (c.contains("lora_rank") && !c["lora_rank"].is_null())
    unsupported.push_back(where + ": lora_rank");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  auto size = [&](const char* key) {
    return c.contains(key) && c[key].is_number_integer() ? c[key].get<int64_t>() : int64_t{0};
  };
  const int64_t input_dim = size("input_dim"), output_dim = size("output_dim");
  if (input_dim <= 0 || output_dim <= 0)
    unsupported.push_back(where + ": missing input_dim or output_dim");
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<Embedding>(input_dim, output_dim, o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("Embedding", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

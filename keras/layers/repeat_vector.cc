#include "keras/layers/repeat_vector.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

RepeatVector::RepeatVector(int64_t n, RepeatVectorOptions o) : n_(n) {
  InitBase(o.name, o.input_shape, 0);
  if (n_ <= 0 || n_ > config::kMaxSize)
    throw ValueError("RepeatVector '" + name_ + "': n must be between 1 and " +
                     std::to_string(config::kMaxSize) + ", got " + std::to_string(n_));
}

Shape RepeatVector::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 2)
    ShapeFail("expected ndim=2, found ndim=" + std::to_string(in.rank()) +
              ". Full shape received: " + KerasShapeString(in));
  return Shape{in[0], n_, in[1]};
}

ValueRef RepeatVector::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  const TensorType t = b.type(x);
  const int64_t d = ComputeOutputShape(t.shape)[2];
  if (d < 0) ShapeFail("needs the input's last dimension to be known");
  // A column of ones times the batch laid out as one row copies every sample n times with ops
  // that have gradients (the ones' product sums the n copies' gradients back), and exactly:
  // each output is 1 * x, nothing added.
  const Tensor ones =
      Tensor::FromVector<double>(std::vector<double>(static_cast<size_t>(n_), 1.0), {n_, 1});
  ValueRef row = b.Op("Reshape", {x}, {{"shape", std::vector<int64_t>{1, -1}}});
  ValueRef copies = b.Op("MatMul", {b.Const(t.dtype == kFloat64 ? ones : ones.astype(t.dtype)),
                                    row});  // (n, batch * d)
  ValueRef y = b.Op("Reshape", {copies}, {{"shape", std::vector<int64_t>{n_, -1, d}}});
  return b.Op("Transpose", {y}, {{"perm", std::vector<int64_t>{1, 0, 2}}});
}

nlohmann::json RepeatVector::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["n"] = n_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "RepeatVector '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  if (!c.contains("n") || !c["n"].is_number_integer())
    unsupported.push_back(where + ": n must be an integer, got " +
                          (c.contains("n") ? c["n"].dump() : std::string("nothing")));
  if (!unsupported.empty()) return nullptr;
  try {
    return std::make_shared<RepeatVector>(
        c["n"].get<int64_t>(), RepeatVectorOptions{config::InputShape(c), config::Name(c)});
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("RepeatVector", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

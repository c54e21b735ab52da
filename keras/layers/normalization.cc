#include "keras/layers/normalization.h"

#include <algorithm>
#include <cmath>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Normalization::Normalization(NormalizationOptions o) : o_(std::move(o)) {
  InitBase(o_.name, o_.input_shape, 0);
  if (o_.mean.empty() != o_.variance.empty())
    throw ValueError("Normalization '" + name_ +
                     "': When setting values directly, both `mean` and `variance` must be set.");
  for (double v : o_.variance)
    if (!(v >= 0)) throw ValueError("Normalization '" + name_ + "': variance must be >= 0");
}

std::vector<int> Normalization::KeptAxes(int rank) const {
  std::vector<int> kept;
  for (int64_t a : o_.axis) {
    const int64_t k = a < 0 ? a + rank : a;
    if (k < 1 || k >= rank)
      ShapeFail("All `axis` values must be in the range [-rank(input), rank(input)) and not " +
                std::string("the batch axis 0; received axis=") + std::to_string(a) +
                " for an input of rank " + std::to_string(rank));
    kept.push_back(static_cast<int>(k));
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

Shape Normalization::BroadcastShape(const Shape& in) const {
  std::vector<int64_t> dims(in.rank(), 1);
  for (int a : KeptAxes(in.rank())) {
    if (in[a] == kUnknownDim)
      ShapeFail("the feature axis " + std::to_string(a) + " of " + KerasShapeString(in) +
                " must be known");
    dims[a] = in[a];
  }
  return Shape(dims);
}

Shape Normalization::ComputeOutputShape(const Shape& in) const {
  const int64_t features = BroadcastShape(in).NumElements();
  for (const auto* v : {&o_.mean, &o_.variance})
    if (v->size() > 1 && static_cast<int64_t>(v->size()) != features)
      ShapeFail("mean and variance have " + std::to_string(v->size()) + " values, the input " +
                KerasShapeString(in) + " has " + std::to_string(features) + " features");
  return in;
}

void Normalization::BuildWeights(const Shape& in) {
  ComputeOutputShape(in);
  if (!o_.mean.empty()) return;
  // Keras's weights have the kept axes' dimensions only.
  std::vector<int64_t> dims;
  for (int a : KeptAxes(in.rank())) dims.push_back(in[a]);
  Tensor ones(kFloat32, Shape(dims));
  std::fill(ones.data<float>(), ones.data<float>() + ones.num_elements(), 1.f);
  AddWeight("mean", Tensor(kFloat32, Shape(dims)), /*trainable=*/false);
  AddWeight("variance", std::move(ones), /*trainable=*/false);
  AddWeight("count", Tensor::Scalar<int64_t>(0), /*trainable=*/false);
}

ValueRef Normalization::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  DType t = b.type(x).dtype;
  if (t != kFloat32 && t != kFloat64) {
    x = b.Op("Cast", {x}, {{"dtype", kFloat32}});
    t = kFloat32;
  }
  const Shape bshape = BroadcastShape(b.type(x).shape);
  ValueRef mean, variance;
  if (o_.mean.empty()) {
    mean = b.Op("Reshape", {ctx.weights[0]}, {{"shape", bshape.dims()}});
    variance = b.Op("Reshape", {ctx.weights[1]}, {{"shape", bshape.dims()}});
  } else {
    auto constant = [&](const std::vector<double>& v) {
      std::vector<float> f(bshape.NumElements(), static_cast<float>(v[0]));
      if (v.size() > 1) f.assign(v.begin(), v.end());
      return b.Const(Tensor::FromVector<float>(f, bshape));
    };
    mean = constant(o_.mean);
    variance = constant(o_.variance);
  }
  if (t != kFloat32) {
    mean = b.Op("Cast", {mean}, {{"dtype", t}});
    variance = b.Op("Cast", {variance}, {{"dtype", t}});
  }
  const ValueRef sd = b.Op("Maximum", {b.Op("Sqrt", {variance}), b.Scalar(1e-7, t)});
  if (o_.invert) return b.Op("Add", {mean, b.Op("Mul", {x, sd})});
  return b.Op("Div", {b.Op("Sub", {x, mean}), sd});
}

void Normalization::adapt(const Tensor& data) {
  if (!o_.mean.empty())
    throw ValueError("Normalization '" + name_ + "': adapt() on a layer given its mean and " +
                     "variance");
  if (data.dtype() != kFloat32 || data.rank() < 1 || data.shape()[0] == 0)
    throw ValueError("Normalization '" + name_ + "': adapt() takes a non-empty float32 batch, " +
                     "got " + KerasShapeString(data.shape()));
  std::vector<int64_t> batched = data.shape().dims();
  batched[0] = kUnknownDim;
  Build(Shape(batched));
  const Shape bshape = BroadcastShape(data.shape());
  const int64_t features = bshape.NumElements(), n = data.num_elements() / features;
  std::vector<double> sum(features), sq(features);
  const float* p = data.data<float>();
  for (int64_t i = 0; i < data.num_elements(); ++i) {
    // The feature of element i: its index along the kept axes.
    int64_t rest = i, f = 0, stride = 1;
    for (int d = data.rank() - 1; d >= 0; --d) {
      const int64_t k = rest % data.shape()[d];
      rest /= data.shape()[d];
      if (bshape[d] != 1) {
        f += k * stride;
        stride *= bshape[d];
      }
    }
    sum[f] += p[i];
    sq[f] += double(p[i]) * p[i];
  }
  float* mean = weights_[0].value.data<float>();
  float* var = weights_[1].value.data<float>();
  for (int64_t f = 0; f < features; ++f) {
    const double m = sum[f] / n;
    mean[f] = static_cast<float>(m);
    var[f] = static_cast<float>(std::max(0.0, sq[f] / n - m * m));
  }
  *weights_[2].value.data<int64_t>() = n;
}

nlohmann::json Normalization::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = o_.axis.size() == 1 ? nlohmann::json(o_.axis[0]) : nlohmann::json(o_.axis);
  auto stat = [](const std::vector<double>& v) {
    return v.empty() ? nlohmann::json() : v.size() == 1 ? nlohmann::json(v[0]) : nlohmann::json(v);
  };
  c["mean"] = stat(o_.mean);
  c["variance"] = stat(o_.variance);
  c["invert"] = o_.invert;
  return c;
}

namespace {
// A number, a list of numbers (nested lists flattened), or null (empty).
bool Stat(const nlohmann::json& v, std::vector<double>& out) {
  if (v.is_null()) return true;
  if (v.is_number()) {
    out.push_back(v.get<double>());
    return true;
  }
  if (!v.is_array()) return false;
  for (const auto& e : v)
    if (!Stat(e, out) || e.is_null()) return false;
  return true;
}

std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Normalization '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  NormalizationOptions o{.input_shape = config::InputShape(c), .name = config::Name(c)};
  const nlohmann::json axis = c.value("axis", nlohmann::json(-1));
  o.axis.clear();
  if (axis.is_number_integer()) o.axis = {axis.get<int64_t>()};
  for (const auto& a : axis.is_array() ? axis : nlohmann::json::array()) {
    if (a.is_number_integer()) o.axis.push_back(a.get<int64_t>());
  }
  if (o.axis.empty())
    unsupported.push_back(where + ": axis " + axis.dump() +
                          " (Kiln keeps at least one feature axis)");
  if (!Stat(c.value("mean", nlohmann::json()), o.mean) ||
      !Stat(c.value("variance", nlohmann::json()), o.variance) ||
      o.mean.empty() != o.variance.empty())
    unsupported.push_back(where + ": mean " + c.value("mean", nlohmann::json()).dump() +
                          ", variance " + c.value("variance", nlohmann::json()).dump());
  o.invert = c.value("invert", false);
  if (unsupported.size() > refused) return nullptr;
  return std::make_shared<Normalization>(o);
}
KILN_REGISTER_LAYER("Normalization", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

#include "keras/layers/permute.h"

#include <algorithm>
#include <numeric>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

namespace {
std::string DimsString(const std::vector<int64_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}
}  // namespace

Permute::Permute(std::vector<int64_t> dims, PermuteOptions o) : dims_(std::move(dims)) {
  InitBase(o.name, o.input_shape, 0);
  std::vector<int64_t> sorted = dims_, want(dims_.size());
  std::sort(sorted.begin(), sorted.end());
  std::iota(want.begin(), want.end(), 1);
  if (dims_.empty() || sorted != want)
    throw ValueError("Permute '" + name_ +
                     "': invalid permutation argument `dims`. The set of indices in `dims` must "
                     "be consecutive and start from 1. Received dims=" +
                     DimsString(dims_));
}

Shape Permute::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != static_cast<int>(dims_.size()) + 1)
    ShapeFail("dims " + DimsString(dims_) + " need an input of rank " +
              std::to_string(dims_.size() + 1) + ", got " + KerasShapeString(in));
  std::vector<int64_t> out = {in[0]};
  for (int64_t d : dims_) out.push_back(in[static_cast<int>(d)]);
  return Shape(out);
}

ValueRef Permute::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  ComputeOutputShape(b.type(x).shape);
  std::vector<int64_t> perm = {0};
  perm.insert(perm.end(), dims_.begin(), dims_.end());
  return b.Op("Transpose", {x}, {{"perm", perm}});
}

nlohmann::json Permute::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["dims"] = dims_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Permute '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  const nlohmann::json d = c.value("dims", nlohmann::json());
  bool ok = d.is_array();
  std::vector<int64_t> dims;
  for (const auto& e : ok ? d : nlohmann::json::array()) {
    ok = ok && e.is_number_integer();
    if (ok) dims.push_back(e.get<int64_t>());
  }
  if (!ok) unsupported.push_back(where + ": dims must be a list of ints, got " + d.dump());
  if (!unsupported.empty()) return nullptr;
  try {
    return std::make_shared<Permute>(dims, PermuteOptions{config::InputShape(c), config::Name(c)});
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("Permute", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers

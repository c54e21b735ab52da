#include "tests/testing/testing.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace kiln::testing {

std::vector<Shape> ParseShapes(const std::string& text) {
  std::vector<Shape> shapes;
  std::stringstream ss(text);
  std::string part;
  while (!text.empty() && std::getline(ss, part, ';')) {
    std::vector<int64_t> dims;
    std::string inner = part.substr(part.find('[') + 1, part.find(']') - part.find('[') - 1);
    std::stringstream ds(inner);
    std::string d;
    while (std::getline(ds, d, ',')) dims.push_back(d == "?" ? kUnknownDim : std::stoll(d));
    shapes.emplace_back(dims);
  }
  return shapes;
}

std::string InferShapes(const std::string& op, const std::string& inputs, AttrMap attrs,
                        std::vector<DType> dtypes) {
  std::vector<TensorType> types;
  auto shapes = ParseShapes(inputs);
  for (size_t i = 0; i < shapes.size(); ++i)
    types.push_back({i < dtypes.size() ? dtypes[i] : kFloat32, shapes[i]});
  auto out = InferOutputTypes(OpRegistry::Global().Get(op), "node", types, attrs);
  std::string s;
  for (size_t i = 0; i < out.size(); ++i) s += (i ? ";" : "") + out[i].shape.ToString();
  return s;
}

Tensor RandomTensor(DType dtype, const Shape& shape, std::mt19937& rng, double lo, double hi) {
  Tensor t(dtype, shape);
  std::uniform_real_distribution<double> u(lo, hi);
  DispatchDType(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      double v = u(rng);
      if constexpr (std::is_same_v<T, bool>)
        p[i] = v > (lo + hi) / 2;
      else if constexpr (std::is_integral_v<T>)
        p[i] = static_cast<T>(std::floor(v));
      else
        p[i] = static_cast<T>(v);
    }
  });
  return t;
}

double MaxAbsDiff(const Tensor& a, const Tensor& b, bool nan_equal) {
  if (a.shape() != b.shape())
    throw ShapeError("MaxAbsDiff: " + a.shape().ToString() + " vs " + b.shape().ToString());
  Tensor x = a.astype(kFloat64), y = b.astype(kFloat64);
  double m = 0;
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    const double u = x.data<double>()[i], v = y.data<double>()[i];
    if (nan_equal && std::isnan(u) && std::isnan(v)) continue;
    const double d = std::abs(u - v);
    if (std::isnan(d)) return INFINITY;
    m = std::max(m, d);
  }
  return m;
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string SafeTestName(std::string text) {
  for (char& c : text)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return text;
}

nlohmann::json ReadJsonFixture(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read the fixture " + path);
  return nlohmann::json::parse(in);
}

Tensor TensorFromNested(const nlohmann::json& nested) {
  std::vector<int64_t> dims;
  for (const nlohmann::json* p = &nested; p->is_array(); p = &(*p)[0]) dims.push_back(p->size());
  std::vector<float> flat;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& x) {
    if (!x.is_array()) return flat.push_back(x.get<float>());
    for (const nlohmann::json& e : x) walk(e);
  };
  walk(nested);
  return Tensor::FromVector<float>(flat, Shape(dims));
}

}  // namespace kiln::testing

#include "keras/utils.h"

#include <charconv>
#include <cmath>
#include <functional>

#include "keras/backend.h"

namespace kiln::keras::utils {

Tensor to_categorical(const Tensor& y, int64_t num_classes) {
  Tensor labels = y.astype(kFloat64);
  const auto v = labels.values<double>();
  double max_label = -1;
  for (double d : v) {
    if (!(d >= 0) || d != std::floor(d))
      throw ValueError("to_categorical: label " + std::to_string(d) +
                       " is not a non-negative integer");
    max_label = std::max(max_label, d);
  }
  if (num_classes < 0) num_classes = static_cast<int64_t>(max_label) + 1;
  if (max_label >= double(num_classes))
    throw ValueError("to_categorical: label " + std::to_string(static_cast<int64_t>(max_label)) +
                     " is out of range for num_classes=" + std::to_string(num_classes));
  std::vector<int64_t> dims = y.shape().dims();
  if (dims.size() > 1 && dims.back() == 1) dims.pop_back();  // Keras squeezes a trailing 1
  dims.push_back(num_classes);
  Tensor out(kFloat32, Shape(dims));
  for (size_t i = 0; i < v.size(); ++i)
    out.data<float>()[i * num_classes + static_cast<int64_t>(v[i])] = 1.f;
  return out;
}

void set_random_seed(uint64_t seed) { backend::SetSeed(seed); }

namespace {

// Shortest round-trip text of a float, as numpy prints float32 ("1.996118", "3.", "-0.5").
std::string Shortest(double v, DType t) {
  char buf[64];
  auto r = t == kFloat32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                         : std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".";
  return s;
}

}  // namespace

std::string ArrayRepr(const Tensor& t) {
  std::vector<std::string> cells;
  const Tensor d = t.astype(kFloat64);
  size_t int_w = 0, frac_w = 0;
  for (double v : d.values<double>()) {
    std::string s =
        IsFloating(t.dtype()) ? Shortest(v, t.dtype()) : std::to_string(static_cast<int64_t>(v));
    size_t dot = s.find('.');
    if (dot == std::string::npos) dot = s.size();
    int_w = std::max(int_w, dot);
    frac_w = std::max(frac_w, s.size() - dot);
    cells.push_back(s);
  }
  for (auto& s : cells) {  // numpy aligns the decimal points
    size_t dot = s.find('.');
    if (dot == std::string::npos) dot = s.size();
    s = std::string(int_w - dot, ' ') + s + std::string(frac_w - (s.size() - dot), ' ');
  }
  std::string out = "array(";
  size_t k = 0;
  const Shape& s = t.shape();
  std::function<void(int, int)> emit = [&](int dim, int indent) {
    if (dim == s.rank()) {
      out += cells[k++];
      return;
    }
    out += "[";
    for (int64_t i = 0; i < s[dim]; ++i) {
      if (i) out += dim + 1 == s.rank() ? ", " : ",\n" + std::string(indent + 1, ' ');
      emit(dim + 1, indent + 1);
    }
    out += "]";
  };
  emit(0, 6);
  const bool default_dtype = t.dtype() == kFloat64 || t.dtype() == kInt64;
  return out + (default_dtype ? ")" : ", dtype=" + std::string(DTypeName(t.dtype())) + ")");
}

std::string ArrayListRepr(const std::vector<Tensor>& ts) {
  std::string out = "[";
  for (size_t i = 0; i < ts.size(); ++i) out += (i ? ", " : "") + ArrayRepr(ts[i]);
  return out + "]";
}

}  // namespace kiln::keras::utils

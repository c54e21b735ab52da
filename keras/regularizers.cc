#include "keras/regularizers.h"

#include <cmath>

#include "keras/backend.h"

namespace kiln::keras::regularizers {
namespace {

using nlohmann::json;

json Object(const std::string& cls, json config) {
  return {{"module", "keras.regularizers"},
          {"class_name", cls},
          {"config", std::move(config)},
          {"registered_name", nullptr}};
}

// {"class_name", "config"} for every accepted form; the names take Keras 3's defaults.
json Canonical(const json& r, const std::string& where) {
  if (r.is_string()) {
    const std::string n = r;
    if (n == "l1") return L1();
    if (n == "l2") return L2();
    if (n == "l1_l2") return L1L2();
    if (n == "orthogonal_regularizer") return OrthogonalRegularizer();
    throw ValueError(where + ": unknown regularizer '" + n +
                     "' (known: l1, l2, l1_l2, orthogonal_regularizer)");
  }
  if (!r.is_object() || !r.contains("class_name") || !r["class_name"].is_string())
    throw ValueError(where + ": a regularizer is a name or {\"class_name\", \"config\"}, got " +
                     r.dump());
  json c = r;
  std::string cls = r["class_name"];
  if (cls.starts_with("Custom>")) cls = cls.substr(7);
  c["class_name"] = cls;
  if (!c.contains("config") || !c["config"].is_object()) c["config"] = json::object();
  return c;
}

double Factor(const json& config, const char* key, double fallback, const std::string& where) {
  const json v = config.value(key, json(fallback));
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
    throw ValueError(where + ": invalid value for argument " + key +
                     ": expected a non-negative float, got " + v.dump());
  return v.get<double>();
}

}  // namespace

json L1(double l1) { return Object("L1", {{"l1", l1}}); }
json L2(double l2) { return Object("L2", {{"l2", l2}}); }
json L1L2(double l1, double l2) { return Object("L1L2", {{"l1", l1}, {"l2", l2}}); }
json OrthogonalRegularizer(double factor, const std::string& mode) {
  return Object("OrthogonalRegularizer", {{"factor", factor}, {"mode", mode}});
}

void Check(const json& regularizer, const std::string& where) {
  if (regularizer.is_null()) return;
  const json r = Canonical(regularizer, where);
  const std::string cls = r["class_name"];
  const json& c = r["config"];
  if (cls == "L1") {
    Factor(c, "l1", 0.01, where);
  } else if (cls == "L2") {
    Factor(c, "l2", 0.01, where);
  } else if (cls == "L1L2") {
    Factor(c, "l1", 0.0, where);
    Factor(c, "l2", 0.0, where);
  } else if (cls == "OrthogonalRegularizer") {
    Factor(c, "factor", 0.01, where);
    const std::string mode = c.value("mode", "rows");
    if (mode != "rows" && mode != "columns")
      throw ValueError(where + ": OrthogonalRegularizer mode must be 'rows' or 'columns', got '" +
                       mode + "'");
  } else {
    throw ValueError(where + ": regularizer " + cls +
                     " is not one Kiln applies (L1, L2, L1L2, OrthogonalRegularizer)");
  }
}

ValueRef Lower(GraphBuilder& b, const json& regularizer, ValueRef x, const std::string& where,
               bool per_example) {
  if (regularizer.is_null()) return {};
  Check(regularizer, where);
  const json r = Canonical(regularizer, where);
  const std::string cls = r["class_name"];
  const json& c = r["config"];
  const DType t = b.type(x).dtype;
  if (cls == "OrthogonalRegularizer") {
    if (per_example)
      throw ValueError(where +
                       ": OrthogonalRegularizer as an activity regularizer is not supported");
    if (b.type(x).shape.rank() != 2)
      throw ValueError(where + ": inputs to OrthogonalRegularizer must have rank 2, got " +
                       b.type(x).shape.ToString());
    const bool rows = c.value("mode", "rows") == "rows";
    const int64_t size = b.type(x).shape.dim(rows ? 0 : 1);
    ValueRef n = backend::L2Normalize(b, x, rows ? 1 : 0);
    ValueRef product = b.Op("MatMul", {n, n}, {{"transpose_a", !rows}, {"transpose_b", rows}});
    Tensor off_diagonal(t, Shape{size, size});
    for (int64_t i = 0; i < size * size; ++i)
      off_diagonal.data<float>()[i] = (i / size == i % size) ? 0.f : 1.f;
    ValueRef sum =
        b.Op("ReduceSum", {b.Op("Abs", {b.Op("Mul", {product, b.Const(off_diagonal)})})});
    const double pairs = static_cast<double>(size) * (static_cast<double>(size) - 1) / 2;
    return b.Op("Mul", {sum, b.Scalar(Factor(c, "factor", 0.01, where) * 0.5 / pairs, t)});
  }
  const double l1 = cls == "L2" ? 0 : Factor(c, "l1", cls == "L1" ? 0.01 : 0.0, where);
  const double l2 = cls == "L1" ? 0 : Factor(c, "l2", cls == "L2" ? 0.01 : 0.0, where);
  // sum / batch = mean * (elements per example): the batch size need not be known.
  double scale = 1;
  const Shape& s = b.type(x).shape;
  for (int i = 1; per_example && i < s.rank(); ++i) scale *= static_cast<double>(s.dim(i));
  const char* reduce = per_example ? "ReduceMean" : "ReduceSum";
  ValueRef total;
  auto add = [&](ValueRef term) { total = total.valid() ? b.Op("Add", {total, term}) : term; };
  if (l1 != 0) add(b.Op("Mul", {b.Scalar(l1 * scale, t), b.Op(reduce, {b.Op("Abs", {x})})}));
  if (l2 != 0) add(b.Op("Mul", {b.Scalar(l2 * scale, t), b.Op(reduce, {b.Op("Square", {x})})}));
  return total.valid() ? total : b.Scalar(0, t);
}

}  // namespace kiln::keras::regularizers

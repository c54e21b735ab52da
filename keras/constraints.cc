#include "keras/constraints.h"

#include <cmath>

namespace kiln::keras::constraints {
namespace {

using nlohmann::json;

json Object(const std::string& cls, json config) {
  return {{"module", "keras.constraints"},
          {"class_name", cls},
          {"config", std::move(config)},
          {"registered_name", nullptr}};
}

// {"class_name", "config"} with the defaults filled in, for every accepted form.
json Canonical(const json& c, const std::string& where) {
  json r;
  if (c.is_string()) {
    const std::string n = c;
    if (n == "max_norm" || n == "MaxNorm") return MaxNorm();
    if (n == "non_neg" || n == "NonNeg") return NonNeg();
    if (n == "unit_norm" || n == "UnitNorm") return UnitNorm();
    if (n == "min_max_norm" || n == "MinMaxNorm") return MinMaxNorm();
    throw ValueError(where + ": unknown constraint '" + n +
                     "' (known: max_norm, non_neg, unit_norm, min_max_norm)");
  }
  if (!c.is_object() || !c.contains("class_name") || !c["class_name"].is_string())
    throw ValueError(where + ": a constraint is a name or {\"class_name\", \"config\"}, got " +
                     c.dump());
  std::string cls = c["class_name"];
  if (cls.starts_with("Custom>")) cls = cls.substr(7);
  const json given = c.value("config", json::object());
  if (cls == "MaxNorm")
    r = MaxNorm();
  else if (cls == "NonNeg")
    r = NonNeg();
  else if (cls == "UnitNorm")
    r = UnitNorm();
  else if (cls == "MinMaxNorm")
    r = MinMaxNorm();
  else
    throw ValueError(where + ": constraint " + cls +
                     " is not one Kiln applies (MaxNorm, NonNeg, UnitNorm, MinMaxNorm)");
  if (!given.is_object()) throw ValueError(where + ": the " + cls + " config is not an object");
  for (const auto& [key, value] : given.items()) {
    if (!r["config"].contains(key))
      throw ValueError(where + ": " + cls + " argument '" + key + "' is not one Kiln follows");
    const bool axes = key == "axis";
    if (axes ? !(value.is_number_integer() ||
                 (value.is_array() && value.size() == 1 && value[0].is_number_integer()))
             : !value.is_number())
      throw ValueError(where + ": " + cls + " argument '" + key + "' must be " +
                       (axes ? "an integer axis" : "a number") + ", got " + value.dump());
    r["config"][key] = axes && value.is_array() ? value[0] : value;
  }
  return r;
}

}  // namespace

json MaxNorm(double max_value, int64_t axis) {
  return Object("MaxNorm", {{"max_value", max_value}, {"axis", axis}});
}
json NonNeg() { return Object("NonNeg", json::object()); }
json UnitNorm(int64_t axis) { return Object("UnitNorm", {{"axis", axis}}); }
json MinMaxNorm(double min_value, double max_value, double rate, int64_t axis) {
  return Object(
      "MinMaxNorm",
      {{"min_value", min_value}, {"max_value", max_value}, {"rate", rate}, {"axis", axis}});
}

void Check(const json& constraint, const std::string& where) {
  if (!constraint.is_null()) Canonical(constraint, where);
}

ValueRef Apply(GraphBuilder& b, const json& constraint, ValueRef w, const std::string& where) {
  if (constraint.is_null()) return w;
  const json r = Canonical(constraint, where);
  const std::string cls = r["class_name"];
  const json& c = r["config"];
  const DType t = b.type(w).dtype;
  if (cls == "NonNeg") return b.Op("Maximum", {w, b.Scalar(0, t)});
  const int64_t rank = b.type(w).shape.rank();
  int64_t axis = c["axis"].get<int64_t>();
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank)
    throw ValueError(where + ": " + cls + " axis " + c["axis"].dump() + " is out of range for a " +
                     std::to_string(rank) + "-d weight");
  ValueRef norms =
      b.Op("Sqrt", {b.Op("ReduceSum", {b.Op("Square", {w})},
                         {{"axes", std::vector<int64_t>{axis}}, {"keep_dims", true}})});
  ValueRef denominator = b.Op("Add", {b.Scalar(1e-7, t), norms});
  if (cls == "UnitNorm") return b.Op("Div", {w, denominator});
  const double lo = cls == "MaxNorm" ? 0.0 : c["min_value"].get<double>();
  const double hi = c["max_value"].get<double>();
  if (!(lo <= hi)) throw ValueError(where + ": " + cls + " min_value exceeds max_value");
  ValueRef desired = b.Op("ClipByValue", {norms}, {{"min", lo}, {"max", hi}});
  if (cls == "MinMaxNorm") {
    const double rate = c["rate"];
    desired = b.Op("Add", {b.Op("Mul", {b.Scalar(rate, t), desired}),
                           b.Op("Mul", {b.Scalar(1 - rate, t), norms})});
  }
  return b.Op("Mul", {w, b.Op("Div", {desired, denominator})});
}

}  // namespace kiln::keras::constraints

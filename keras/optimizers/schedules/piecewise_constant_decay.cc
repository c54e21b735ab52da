#include "keras/optimizers/schedules/piecewise_constant_decay.h"

#include "graph/error.h"

namespace kiln::keras::optimizers::schedules {

PiecewiseConstantDecay::PiecewiseConstantDecay(PiecewiseConstantDecayOptions o)
    : o_(std::move(o)) {
  if (o_.boundaries.size() + 1 != o_.values.size())
    throw ValueError(
        "The length of boundaries should be 1 less than the length of values. Received: "
        "boundaries=" +
        nlohmann::json(o_.boundaries).dump() + " of length " +
        std::to_string(o_.boundaries.size()) + ", and values=" + nlohmann::json(o_.values).dump() +
        " of length " + std::to_string(o_.values.size()) + ".");
  for (size_t i = 0; i < o_.values.size(); ++i)
    schedule_config::RequireNonNegativeRate(class_name(),
                                            ("values[" + std::to_string(i) + "]").c_str(),
                                            o_.values[i]);
  for (size_t i = 1; i < o_.boundaries.size(); ++i)
    if (!(o_.boundaries[i] > o_.boundaries[i - 1]))
      throw ValueError("PiecewiseConstantDecay: boundaries must increase, got " +
                       nlohmann::json(o_.boundaries).dump());
}

float PiecewiseConstantDecay::operator()(int64_t step) const {
  const double s = static_cast<double>(step);
  size_t i = 0;
  while (i < o_.boundaries.size() && s > o_.boundaries[i]) ++i;
  return static_cast<float>(o_.values[i]);
}

nlohmann::json PiecewiseConstantDecay::get_config() const {
  return {{"boundaries", o_.boundaries}, {"values", o_.values}, {"name", class_name()}};
}

namespace {

std::vector<double> Numbers(const nlohmann::json& c, const char* key) {
  if (!c.contains(key) || !c[key].is_array())
    throw ValueError(std::string("PiecewiseConstantDecay: the config's \"") + key +
                     "\" is missing or not a list");
  std::vector<double> out;
  for (const auto& v : c[key]) {
    if (!v.is_number())
      throw ValueError(std::string("PiecewiseConstantDecay: \"") + key + "\" holds a non-number");
    out.push_back(v.get<double>());
  }
  return out;
}

KILN_REGISTER_SCHEDULE("PiecewiseConstantDecay", [](const nlohmann::json& c) {
  return std::make_shared<PiecewiseConstantDecay>(PiecewiseConstantDecayOptions{
      .boundaries = Numbers(c, "boundaries"), .values = Numbers(c, "values")});
});

}  // namespace
}  // namespace kiln::keras::optimizers::schedules

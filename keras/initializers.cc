#include "keras/initializers.h"

#include <cmath>
#include <random>

#include "keras/backend.h"

namespace kiln::keras {
namespace {

enum class Family {
  kZeros,
  kOnes,
  kConstant,
  kRandomNormal,
  kTruncatedNormal,
  kRandomUniform,
  kVarianceScaling,
  kOrthogonal,
  kIdentity
};

// One row per Keras initializer. The members of the VarianceScaling family fix scale, mode and
// distribution (he_normal is VarianceScaling(2, fan_in, truncated_normal)); variance_scaling
// itself takes them from the Initializer.
struct Kind {
  const char* name;
  const char* class_name;
  Family family;
  double scale = 0;
  const char* mode = nullptr;
  const char* distribution = nullptr;
};

const Kind kKinds[] = {
    {"glorot_uniform", "GlorotUniform", Family::kVarianceScaling, 1, "fan_avg", "uniform"},
    {"glorot_normal", "GlorotNormal", Family::kVarianceScaling, 1, "fan_avg", "truncated_normal"},
    {"he_normal", "HeNormal", Family::kVarianceScaling, 2, "fan_in", "truncated_normal"},
    {"he_uniform", "HeUniform", Family::kVarianceScaling, 2, "fan_in", "uniform"},
    {"lecun_normal", "LecunNormal", Family::kVarianceScaling, 1, "fan_in", "truncated_normal"},
    {"lecun_uniform", "LecunUniform", Family::kVarianceScaling, 1, "fan_in", "uniform"},
    {"variance_scaling", "VarianceScaling", Family::kVarianceScaling},
    {"orthogonal", "Orthogonal", Family::kOrthogonal},
    {"identity", "Identity", Family::kIdentity},
    {"truncated_normal", "TruncatedNormal", Family::kTruncatedNormal},
    {"random_normal", "RandomNormal", Family::kRandomNormal},
    {"random_uniform", "RandomUniform", Family::kRandomUniform},
    {"constant", "Constant", Family::kConstant},
    {"zeros", "Zeros", Family::kZeros},
    {"ones", "Ones", Family::kOnes},
};

// Other spellings Keras accepts for the same initializers.
const std::pair<const char*, const char*> kAliases[] = {
    {"normal", "random_normal"},
    {"uniform", "random_uniform"},
    {"zero", "zeros"},
    {"one", "ones"},
    {"OrthogonalInitializer", "orthogonal"},
    {"IdentityInitializer", "identity"},
};

const Kind* Find(const std::string& name) {
  for (const Kind& k : kKinds)
    if (name == k.name || name == k.class_name) return &k;
  for (const auto& [alias, target] : kAliases)
    if (name == alias) return Find(target);
  return nullptr;
}

std::string KnownNames() {
  std::string out;
  for (const Kind& k : kKinds) out += std::string(out.empty() ? "" : ", ") + k.name;
  return out;
}

// The generator an initializer draws from: its own when seeded, so that a seeded initializer
// repeats its values, else the global one.
class Generator {
 public:
  explicit Generator(const std::optional<uint64_t>& seed)
      : local_(seed.value_or(0)), seeded_(seed.has_value()) {}
  std::mt19937_64& get() { return seeded_ ? local_ : backend::GlobalGenerator(); }

 private:
  std::mt19937_64 local_;
  bool seeded_;
};

template <typename Draw>
void Fill(Tensor& t, Draw draw) {
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = static_cast<float>(draw());
}

// A standard normal value redrawn until it lies within 2 standard deviations, as Keras's
// truncated_normal.
double TruncatedStandardNormal(std::mt19937_64& gen) {
  std::normal_distribution<double> normal(0.0, 1.0);
  double z;
  do {
    z = normal(gen);
  } while (std::abs(z) > 2.0);
  return z;
}

std::pair<double, double> Fans(const Shape& shape, const Initializer& init,
                               const std::string& where) {
  if (init.input_axes && init.output_axes) {
    auto product = [&](const std::vector<int64_t>& axes) {
      double n = 1;
      for (int64_t a : axes) {
        const int64_t axis = a < 0 ? a + shape.rank() : a;
        if (axis < 0 || axis >= shape.rank())
          throw ValueError(where + ": axis " + std::to_string(a) + " is out of range for shape " +
                           shape.ToString());
        n *= static_cast<double>(shape[static_cast<int>(axis)]);
      }
      return n;
    };
    return {product(*init.input_axes), product(*init.output_axes)};
  }
  if (shape.rank() == 0) return {1, 1};
  if (shape.rank() == 1) return {double(shape[0]), double(shape[0])};
  double receptive = 1;
  for (int i = 0; i < shape.rank() - 2; ++i) receptive *= static_cast<double>(shape[i]);
  return {static_cast<double>(shape.dim(-2)) * receptive,
          static_cast<double>(shape.dim(-1)) * receptive};
}

void FillVarianceScaling(Tensor& t, const Initializer& init, const Kind& kind, std::mt19937_64& gen,
                         const std::string& where) {
  double scale = kind.mode ? kind.scale : init.scale;
  const std::string mode = kind.mode ? kind.mode : init.mode;
  const std::string distribution = kind.distribution ? kind.distribution : init.distribution;
  const auto [fan_in, fan_out] = Fans(t.shape(), init, where);
  if (mode == "fan_in")
    scale /= std::max(1.0, fan_in);
  else if (mode == "fan_out")
    scale /= std::max(1.0, fan_out);
  else
    scale /= std::max(1.0, (fan_in + fan_out) / 2.0);
  if (distribution == "truncated_normal") {
    // The constant is the standard deviation of a standard normal truncated to [-2, 2], so the
    // truncated values have variance `scale`.
    const double stddev = std::sqrt(scale) / 0.87962566103423978;
    Fill(t, [&] { return stddev * TruncatedStandardNormal(gen); });
  } else if (distribution == "untruncated_normal") {
    std::normal_distribution<double> normal(0.0, std::sqrt(scale));
    Fill(t, [&] { return normal(gen); });
  } else {
    const double limit = std::sqrt(3.0 * scale);
    std::uniform_real_distribution<double> uniform(-limit, limit);
    Fill(t, [&] { return uniform(gen); });
  }
}

// Keras's orthogonal: a normal (max(r, c), min(r, c)) matrix for the kernel flattened to (r, c)
// (r the product of all but the last dimension), its QR factor Q with R's diagonal made positive
// (which is what Gram-Schmidt gives), transposed when r < c, times gain.
void FillOrthogonal(Tensor& t, double gain, std::mt19937_64& gen) {
  const Shape& s = t.shape();
  int64_t rows = 1;
  for (int i = 0; i + 1 < s.rank(); ++i) rows *= s[i];
  const int64_t cols = s.dim(-1);
  const int64_t n = std::max(rows, cols), k = std::min(rows, cols);
  std::vector<double> q(static_cast<size_t>(n * k));  // row-major (n, k)
  std::normal_distribution<double> normal(0.0, 1.0);
  for (double& v : q) v = normal(gen);
  // Modified Gram-Schmidt on the columns, in float64.
  for (int64_t j = 0; j < k; ++j) {
    for (int64_t p = 0; p < j; ++p) {
      double dot = 0;
      for (int64_t i = 0; i < n; ++i) dot += q[i * k + p] * q[i * k + j];
      for (int64_t i = 0; i < n; ++i) q[i * k + j] -= dot * q[i * k + p];
    }
    double norm = 0;
    for (int64_t i = 0; i < n; ++i) norm += q[i * k + j] * q[i * k + j];
    norm = std::sqrt(norm);
    for (int64_t i = 0; i < n; ++i) q[i * k + j] /= norm;
  }
  float* out = t.data<float>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = static_cast<float>(gain * (rows >= cols ? q[r * k + c] : q[c * k + r]));
}

const Kind& Require(const Initializer& init, const std::string& where) {
  const Kind* kind = Find(init.name);
  if (!kind)
    throw NotFoundError(where + ": unknown initializer '" + init.name +
                        "' (known: " + KnownNames() + ")");
  return *kind;
}

nlohmann::json Seed(const Initializer& i) {
  return i.seed ? nlohmann::json(*i.seed) : nlohmann::json();
}

}  // namespace

void Initializer::Validate(const std::string& where) const {
  const Kind& kind = Require(*this, where);
  if (kind.family != Family::kVarianceScaling || kind.mode) return;
  if (!(scale > 0))
    throw ValueError(where + ": variance_scaling scale must be positive, got " +
                     std::to_string(scale));
  if (mode != "fan_in" && mode != "fan_out" && mode != "fan_avg")
    throw ValueError(where + ": variance_scaling mode must be fan_in, fan_out or fan_avg, got '" +
                     mode + "'");
  if (distribution != "truncated_normal" && distribution != "untruncated_normal" &&
      distribution != "uniform")
    throw ValueError(where +
                     ": variance_scaling distribution must be truncated_normal, "
                     "untruncated_normal or uniform, got '" +
                     distribution + "'");
}

std::string Initializer::ClassName() const {
  const Kind* kind = Find(name);
  return kind ? kind->class_name : name;
}

Tensor Initializer::operator()(const Shape& shape, const std::string& where) const {
  Validate(where);
  const Kind& kind = Require(*this, where);
  Tensor t(kFloat32, shape);
  Generator gen(seed);
  switch (kind.family) {
    case Family::kZeros:
      break;
    case Family::kOnes:
    case Family::kConstant:
      std::fill(t.data<float>(), t.data<float>() + t.num_elements(),
                kind.family == Family::kOnes ? 1.f : static_cast<float>(value));
      break;
    case Family::kRandomNormal: {
      std::normal_distribution<double> normal(mean, stddev);
      Fill(t, [&] { return normal(gen.get()); });
      break;
    }
    case Family::kTruncatedNormal:
      Fill(t, [&] { return mean + stddev * TruncatedStandardNormal(gen.get()); });
      break;
    case Family::kRandomUniform: {
      std::uniform_real_distribution<double> uniform(minval, maxval);
      Fill(t, [&] { return uniform(gen.get()); });
      break;
    }
    case Family::kVarianceScaling:
      FillVarianceScaling(t, *this, kind, gen.get(), where);
      break;
    case Family::kOrthogonal:
      if (shape.rank() < 2)
        throw ValueError(where + ": the orthogonal initializer needs a tensor of rank 2 or more, " +
                         "got shape " + shape.ToString());
      FillOrthogonal(t, gain, gen.get());
      break;
    case Family::kIdentity:
      if (shape.rank() != 2)
        throw ValueError(where + ": the identity initializer only fills 2-D matrices, got shape " +
                         shape.ToString());
      for (int64_t i = 0; i < std::min(shape[0], shape[1]); ++i)
        t.data<float>()[i * shape[1] + i] = static_cast<float>(gain);
      break;
  }
  return t;
}

nlohmann::json Initializer::ToConfig() const {
  const Kind* kind = Find(name);
  nlohmann::json c = nlohmann::json::object();
  switch (kind ? kind->family : Family::kZeros) {
    case Family::kZeros:
    case Family::kOnes:
      break;
    case Family::kConstant:
      c = {{"value", value}};
      break;
    case Family::kRandomNormal:
    case Family::kTruncatedNormal:
      c = {{"mean", mean}, {"stddev", stddev}, {"seed", Seed(*this)}};
      break;
    case Family::kRandomUniform:
      c = {{"minval", minval}, {"maxval", maxval}, {"seed", Seed(*this)}};
      break;
    case Family::kVarianceScaling:
      c = {{"seed", Seed(*this)}};
      if (!kind->mode) {
        c["scale"] = scale;
        c["mode"] = mode;
        c["distribution"] = distribution;
      }
      // Keras 3's explicit fan axes; written only when set, as tf.keras 2.x has none.
      if (input_axes && output_axes) {
        c["input_axes"] = *input_axes;
        c["output_axes"] = *output_axes;
      }
      break;
    case Family::kOrthogonal:
      c = {{"gain", gain}, {"seed", Seed(*this)}};
      break;
    case Family::kIdentity:
      c = {{"gain", gain}};
      break;
  }
  return {{"class_name", ClassName()}, {"config", c}};
}

namespace {

Initializer ParseConfig(const nlohmann::json& config, const std::string& where) {
  if (config.is_string()) {
    Initializer i(config.get<std::string>());
    i.name = Require(i, where).name;
    return i;
  }
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw ValueError(where + ": not an initializer config: " + config.dump());
  Initializer i(config["class_name"].get<std::string>());
  const Kind& kind = Require(i, where);
  i.name = kind.name;
  const nlohmann::json c = config.value("config", nlohmann::json::object());
  if (!c.is_object()) throw ValueError(where + ": initializer config is not an object");
  auto number = [&](const char* key, double fallback) {
    if (!c.contains(key) || c[key].is_null()) return fallback;
    if (!c[key].is_number())
      throw ValueError(where + ": " + kind.class_name + " " + key +
                       " is not a number: " + c[key].dump());
    return c[key].get<double>();
  };
  if (c.contains("seed") && !c["seed"].is_null()) {
    if (!c["seed"].is_number_integer())
      throw ValueError(where + ": " + kind.class_name +
                       " seed is not an integer: " + c["seed"].dump());
    i.seed = c["seed"].get<uint64_t>();
  }
  i.mean = number("mean", 0.0);
  i.stddev = number("stddev", 0.05);
  i.minval = number("minval", -0.05);
  i.maxval = number("maxval", 0.05);
  i.value = number("value", 0.0);
  i.gain = number("gain", 1.0);
  i.scale = number("scale", 1.0);
  i.mode = c.value("mode", "fan_in");
  i.distribution = c.value("distribution", "truncated_normal");
  // tf.keras and Keras 3 read "normal" as truncated_normal.
  if (i.distribution == "normal") i.distribution = "truncated_normal";
  for (auto [key, axes] : {std::pair{"input_axes", &i.input_axes}, {"output_axes", &i.output_axes}})
    if (c.contains(key) && !c[key].is_null()) {
      if (!c[key].is_array())
        throw ValueError(where + ": " + kind.class_name + " " + key + " is not a list");
      *axes = c[key].get<std::vector<int64_t>>();
    }
  i.Validate(where);
  return i;
}

}  // namespace

Initializer Initializer::FromConfig(const nlohmann::json& config, const std::string& where) {
  // A config of the right shape with a value of the wrong JSON type ("mode": 2) fails inside
  // nlohmann; it is reported like any other invalid option.
  try {
    return ParseConfig(config, where);
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(where + ": invalid initializer config " + config.dump() + " (" + e.what() +
                     ")");
  }
}

namespace initializers {
Initializer RandomNormal(RandomNormalOptions o) {
  Initializer i("random_normal");
  i.mean = o.mean;
  i.stddev = o.stddev;
  i.seed = o.seed;
  return i;
}
Initializer TruncatedNormal(RandomNormalOptions o) {
  Initializer i = RandomNormal(o);
  i.name = "truncated_normal";
  return i;
}
Initializer RandomUniform(RandomUniformOptions o) {
  Initializer i("random_uniform");
  i.minval = o.minval;
  i.maxval = o.maxval;
  i.seed = o.seed;
  return i;
}
namespace {
Initializer Seeded(const char* name, const std::optional<uint64_t>& seed) {
  Initializer i(name);
  i.seed = seed;
  return i;
}
}  // namespace
Initializer GlorotUniform(SeedOptions o) { return Seeded("glorot_uniform", o.seed); }
Initializer GlorotNormal(SeedOptions o) { return Seeded("glorot_normal", o.seed); }
Initializer HeNormal(SeedOptions o) { return Seeded("he_normal", o.seed); }
Initializer HeUniform(SeedOptions o) { return Seeded("he_uniform", o.seed); }
Initializer LecunNormal(SeedOptions o) { return Seeded("lecun_normal", o.seed); }
Initializer LecunUniform(SeedOptions o) { return Seeded("lecun_uniform", o.seed); }
Initializer VarianceScaling(VarianceScalingOptions o) {
  Initializer i = Seeded("variance_scaling", o.seed);
  i.scale = o.scale;
  i.mode = o.mode;
  i.distribution = o.distribution == "normal" ? "truncated_normal" : o.distribution;
  i.Validate("VarianceScaling");
  return i;
}
Initializer Orthogonal(GainOptions o) {
  Initializer i = Seeded("orthogonal", o.seed);
  i.gain = o.gain;
  return i;
}
Initializer Identity(double gain) {
  Initializer i("identity");
  i.gain = gain;
  return i;
}
Initializer Constant(double value) {
  Initializer i("constant");
  i.value = value;
  return i;
}
}  // namespace initializers

}  // namespace kiln::keras

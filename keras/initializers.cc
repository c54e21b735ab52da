#include "keras/initializers.h"

#include <cmath>
#include <random>

#include "keras/backend.h"

namespace kiln::keras {
namespace {

const char* kKnown = "glorot_uniform, zeros, ones, constant, random_normal, random_uniform";

template <typename Dist>
void Fill(Tensor& t, Dist dist, const std::optional<uint64_t>& seed) {
  std::mt19937_64 local(seed.value_or(0));
  std::mt19937_64& gen = seed ? local : backend::GlobalGenerator();
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = static_cast<float>(dist(gen));
}

}  // namespace

void Initializer::Validate(const std::string& where) const {
  static const char* names[] = {"glorot_uniform", "zeros",         "ones",
                                "constant",       "random_normal", "random_uniform"};
  for (const char* n : names)
    if (name == n) return;
  throw NotFoundError(where + ": unknown initializer '" + name + "' (known: " + kKnown + ")");
}

std::string Initializer::ClassName() const {
  if (name == "glorot_uniform") return "GlorotUniform";
  if (name == "zeros") return "Zeros";
  if (name == "ones") return "Ones";
  if (name == "constant") return "Constant";
  if (name == "random_normal") return "RandomNormal";
  if (name == "random_uniform") return "RandomUniform";
  return name;
}

Tensor Initializer::operator()(const Shape& shape) const {
  Validate("initializer");
  Tensor t(kFloat32, shape);
  if (name == "zeros") return t;
  if (name == "ones" || name == "constant") {
    std::fill(t.data<float>(), t.data<float>() + t.num_elements(),
              name == "ones" ? 1.f : static_cast<float>(value));
    return t;
  }
  if (name == "random_normal") {
    Fill(t, std::normal_distribution<double>(mean, stddev), seed);
  } else if (name == "random_uniform") {
    Fill(t, std::uniform_real_distribution<double>(minval, maxval), seed);
  } else {  // glorot_uniform; fans as Keras computes them for dense and conv kernels
    double fan_in = 1, fan_out = 1;
    if (shape.rank() == 1)
      fan_in = fan_out = static_cast<double>(shape[0]);
    else if (shape.rank() >= 2) {
      double receptive = 1;
      for (int i = 0; i < shape.rank() - 2; ++i) receptive *= static_cast<double>(shape[i]);
      fan_in = static_cast<double>(shape.dim(-2)) * receptive;
      fan_out = static_cast<double>(shape.dim(-1)) * receptive;
    }
    double limit = std::sqrt(6.0 / std::max(1.0, fan_in + fan_out));
    Fill(t, std::uniform_real_distribution<double>(-limit, limit), seed);
  }
  return t;
}

namespace initializers {
Initializer RandomNormal(RandomNormalOptions o) {
  Initializer i("random_normal");
  i.mean = o.mean;
  i.stddev = o.stddev;
  i.seed = o.seed;
  return i;
}
Initializer RandomUniform(RandomUniformOptions o) {
  Initializer i("random_uniform");
  i.minval = o.minval;
  i.maxval = o.maxval;
  i.seed = o.seed;
  return i;
}
Initializer GlorotUniform(SeedOptions o) {
  Initializer i("glorot_uniform");
  i.seed = o.seed;
  return i;
}
Initializer Constant(double value) {
  Initializer i("constant");
  i.value = value;
  return i;
}
}  // namespace initializers

}  // namespace kiln::keras

// Weight initializers with Keras's names and defaults.
//
//   layers::Dense(64, {.kernel_initializer = "he_normal"});
//   layers::Dense(64, {.kernel_initializer = initializers::RandomNormal({.stddev = 0.1, .seed =
//   3})});
//
// glorot_uniform (default for Dense kernels): U(-l, l), l = sqrt(6 / (fan_in + fan_out));
// zeros, ones; random_normal: N(mean 0, stddev 0.05); random_uniform: U(-0.05, 0.05). An
// initializer without a seed draws from the global generator (utils::set_random_seed).
#pragma once

#include <optional>
#include <string>

#include "graph/tensor.h"

namespace kiln::keras {

struct Initializer {
  std::string name = "glorot_uniform";
  double mean = 0.0, stddev = 0.05;      // random_normal
  double minval = -0.05, maxval = 0.05;  // random_uniform
  double value = 0.0;                    // constant
  std::optional<uint64_t> seed = std::nullopt;

  Initializer() = default;
  Initializer(const char* n) : name(n) {}             // NOLINT: "zeros" reads like Keras
  Initializer(std::string n) : name(std::move(n)) {}  // NOLINT

  // A new tensor of `shape` (float32); throws kiln::NotFoundError for an unknown name.
  Tensor operator()(const Shape& shape) const;
  // Throws kiln::NotFoundError for an unknown name, listing the known ones.
  void Validate(const std::string& where) const;
  // Keras's class name ("GlorotUniform", "Zeros", ...).
  std::string ClassName() const;
};

namespace initializers {
struct RandomNormalOptions {
  double mean = 0.0, stddev = 0.05;
  std::optional<uint64_t> seed = std::nullopt;
};
struct RandomUniformOptions {
  double minval = -0.05, maxval = 0.05;
  std::optional<uint64_t> seed = std::nullopt;
};
struct SeedOptions {
  std::optional<uint64_t> seed = std::nullopt;
};
Initializer RandomNormal(RandomNormalOptions o = {});
Initializer RandomUniform(RandomUniformOptions o = {});
Initializer GlorotUniform(SeedOptions o = {});
Initializer Constant(double value);
}  // namespace initializers

}  // namespace kiln::keras

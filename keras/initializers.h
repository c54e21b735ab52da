// Weight initializers: all of Keras's, with its names, defaults and configs.
//
//   layers::Dense(64, {.kernel_initializer = "he_normal"});
//   layers::Dense(64, {.kernel_initializer = initializers::RandomNormal({.stddev = 0.1, .seed =
//   3})});
//   layers::Conv2D(8, {3, 3}, {.kernel_initializer = initializers::VarianceScaling(
//                                  {.scale = 2.0, .mode = "fan_out", .distribution = "uniform"})});
//
// By name (Keras's snake case) or class name: glorot_uniform (default for kernels), glorot_normal,
// he_normal, he_uniform, lecun_normal, lecun_uniform and variance_scaling (Keras's VarianceScaling
// family: scale / fan with fan_in, fan_out or fan_avg; truncated_normal with stddev
// sqrt(scale) / .87962566103423978 and redraws beyond 2 stddev, untruncated_normal, or uniform in
// +-sqrt(3 scale)); orthogonal (QR of a normal matrix, sign-corrected, times gain); identity
// (2-D, times gain); truncated_normal and random_normal (mean 0, stddev 0.05); random_uniform
// (+-0.05); constant; zeros; ones. Fans follow Keras: (in, out) for a matrix, times the receptive
// field for a convolution kernel, or the products over input_axes/output_axes when given.
//
// An initializer with a seed draws from its own generator (std::mt19937_64 seeded with it, so it
// gives the same values each call, as Keras's seeded initializers do); one without draws from the
// global generator (utils::set_random_seed). The distributions are Keras's; the random streams are
// Kiln's, not TensorFlow's or JAX's.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace kiln::keras {

struct Initializer {
  std::string name = "glorot_uniform";   // Keras's snake-case name
  double mean = 0.0, stddev = 0.05;      // random_normal, truncated_normal
  double minval = -0.05, maxval = 0.05;  // random_uniform
  double value = 0.0;                    // constant
  // variance_scaling; the named members of the family (he_normal, ...) fix these themselves.
  double scale = 1.0;
  std::string mode = "fan_in";                    // fan_in, fan_out, fan_avg
  std::string distribution = "truncated_normal";  // truncated_normal, untruncated_normal, uniform
  std::optional<std::vector<int64_t>> input_axes, output_axes;  // Keras 3: fans from these axes
  double gain = 1.0;                                            // orthogonal, identity
  std::optional<uint64_t> seed = std::nullopt;

  Initializer() = default;
  Initializer(const char* n) : name(n) {}             // NOLINT: "zeros" reads like Keras
  Initializer(std::string n) : name(std::move(n)) {}  // NOLINT

  // A new float32 tensor of `shape`. Throws kiln::NotFoundError for an unknown name and
  // kiln::ValueError for a shape the initializer cannot fill (identity needs a matrix, orthogonal
  // rank 2 or more), both starting with `where`.
  Tensor operator()(const Shape& shape, const std::string& where = "initializer") const;
  // Throws kiln::NotFoundError for an unknown name, listing the known ones, and kiln::ValueError
  // for invalid options (a variance_scaling mode); messages start with `where`.
  void Validate(const std::string& where) const;
  // Keras's class name ("GlorotUniform", "HeNormal", "VarianceScaling", ...).
  std::string ClassName() const;
  // {"class_name": ..., "config": {...}} as tf.keras 2.x serializes it (seed null when unset).
  nlohmann::json ToConfig() const;
  // From a Keras config: a name ("he_normal", "HeNormal") or {"class_name", "config"} (with or
  // without Keras 3's "module"). Throws kiln::NotFoundError for an unknown class and
  // kiln::ValueError for invalid options, starting with `where`.
  static Initializer FromConfig(const nlohmann::json& config, const std::string& where);
};

namespace initializers {
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct RandomNormalOptions {
  double mean = 0.0, stddev = 0.05;
  std::optional<uint64_t> seed = std::nullopt;
};
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct RandomUniformOptions {
  double minval = -0.05, maxval = 0.05;
  std::optional<uint64_t> seed = std::nullopt;
};
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct SeedOptions {
  std::optional<uint64_t> seed = std::nullopt;
};
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct VarianceScalingOptions {
  double scale = 1.0;
  std::string mode = "fan_in";
  std::string distribution = "truncated_normal";
  std::optional<uint64_t> seed = std::nullopt;
};
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct GainOptions {
  double gain = 1.0;
  std::optional<uint64_t> seed = std::nullopt;
};
Initializer RandomNormal(RandomNormalOptions o = {});
Initializer TruncatedNormal(RandomNormalOptions o = {});
Initializer RandomUniform(RandomUniformOptions o = {});
Initializer GlorotUniform(SeedOptions o = {});
Initializer GlorotNormal(SeedOptions o = {});
Initializer HeNormal(SeedOptions o = {});
Initializer HeUniform(SeedOptions o = {});
Initializer LecunNormal(SeedOptions o = {});
Initializer LecunUniform(SeedOptions o = {});
Initializer VarianceScaling(VarianceScalingOptions o = {});
Initializer Orthogonal(GainOptions o = {});
Initializer Identity(double gain = 1.0);
Initializer Constant(double value);
}  // namespace initializers

}  // namespace kiln::keras

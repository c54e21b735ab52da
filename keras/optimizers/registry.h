// Optimizers by Keras class name: for compile({.optimizer = "adam"}) and for rebuilding an
// optimizer from a Keras optimizer config. Each optimizer file registers a factory that reads its
// config and throws kiln::ValueError naming any option Kiln does not follow.
//
//   KILN_REGISTER_OPTIMIZER("SGD", SgdFromConfig);
//   std::shared_ptr<Optimizer> o = OptimizerFromConfig({{"class_name", "Adam"}, {"config", {}}});
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras {

// `config` is a Keras optimizer config (the "config" part; {} gives the defaults); `rules` says
// whose arithmetic to follow (that of the Keras that wrote the config).
using OptimizerFactory =
    std::function<std::shared_ptr<Optimizer>(const nlohmann::json& config, UpdateRules rules)>;

void RegisterOptimizer(const std::string& class_name, OptimizerFactory factory);
// The class names, as Keras spells them ("Adam", "RMSprop", "SGD").
std::vector<std::string> RegisteredOptimizerClasses();
// From {"class_name", "config"}; the class name is matched without regard to case, and tf.keras's
// "Custom>" package prefix is dropped. Throws kiln::NotFoundError for an unknown class
// ("Unknown optimizer: 'adamw' (known: ...)"), kiln::ValueError for an unsupported option (also
// the common ones Kiln does not apply: use_ema, loss_scale_factor, gradient_accumulation_steps).
std::shared_ptr<Optimizer> OptimizerFromConfig(const nlohmann::json& optimizer_config,
                                               UpdateRules rules = UpdateRules::kKeras3);

struct OptimizerRegistrar {
  OptimizerRegistrar(const std::string& class_name, OptimizerFactory f) {
    RegisterOptimizer(class_name, std::move(f));
  }
};
#define KILN_REGISTER_OPTIMIZER(class_name, factory)                                      \
  static const ::kiln::keras::OptimizerRegistrar KILN_OCONCAT(kiln_optimizer_, __LINE__)( \
      class_name, factory)
#define KILN_OCONCAT_INNER(a, b) a##b
#define KILN_OCONCAT(a, b) KILN_OCONCAT_INNER(a, b)

// Helpers for factories.
namespace optimizer_config {
// A number in the config, or `fallback` when the key is missing or null.
double Number(const nlohmann::json& c, const char* key, double fallback);
// A boolean in the config; false when the key is missing, null or not a boolean.
bool Flag(const nlohmann::json& c, const char* key);
// A number in the config, or nullopt when the key is missing or null.
std::optional<double> Optional(const nlohmann::json& c, const char* key);
// The learning rate under Keras 2.2's "lr" or the later "learning_rate": a number or a schedule's
// {"class_name", "config"}.
optimizers::LearningRate LearningRate(const nlohmann::json& c, double fallback);
// `o` with the learning rate and the common options (KILN_OPTIMIZER_COMMON_OPTIONS) read from the
// config; the learning rate falls back to o's.
template <typename O>
O WithCommon(const nlohmann::json& c, O o) {
  o.learning_rate = LearningRate(c, o.learning_rate.value());
  o.weight_decay = Optional(c, "weight_decay");
  o.clipnorm = Optional(c, "clipnorm");
  o.clipvalue = Optional(c, "clipvalue");
  o.global_clipnorm = Optional(c, "global_clipnorm");
  o.use_ema = Flag(c, "use_ema");
  o.ema_momentum = Number(c, "ema_momentum", 0.99);
  // Keras tests the frequency for truth: 0 means never.
  if (const std::optional<double> f = Optional(c, "ema_overwrite_frequency"); f && *f != 0)
    o.ema_overwrite_frequency = static_cast<int64_t>(*f);
  o.decay = Number(c, "decay", 0.0);
  return o;
}
// Throws kiln::ValueError for optimizer_v2 configs (tf.keras's legacy optimizers) of a class whose
// arithmetic Kiln follows only in the current Keras.
void RequireCurrentRules(UpdateRules rules, const std::string& class_name);
}  // namespace optimizer_config

}  // namespace kiln::keras

// Running one layer outside a model, for the layer tests.
//
//   layers::ELU elu({.alpha = 0.5});
//   Tensor y = Apply(elu, x);                        // inference, the layer's weights as they are
//   auto back = FromConfig("ELU", elu.get_config()); // through the registered Keras factory
//   EXPECT_TRUE(Contains(Refusal("ELU", {{"alpha", "x"}}), "alpha"));
#pragma once

#include <gtest/gtest.h>

#include "keras/keras.h"
#include "keras/layers/layer_registry.h"
#include "tests/keras/layers/layer_gradient.h"

namespace kiln::keras {

// The layer alone on x (built for x's shape with the batch unknown), its weights as constants and
// its states as variables, in training or inference mode.
inline Tensor Apply(Layer& layer, const Tensor& x, bool training = false) {
  Graph g;
  GraphBuilder b(g);
  ValueRef in = b.Placeholder("x", x.dtype(), BatchedShape(x.shape()));
  layer.Build(BatchedShape(x.shape()));
  std::vector<ValueRef> weights, states;
  for (const Weight& w : layer.weights()) weights.push_back(b.Const(w.value));
  VariableStore vars;
  for (const Weight& s : layer.states()) {
    states.push_back(b.Variable(s.name, s.value.dtype(), s.value.shape()));
    vars.Set(s.name, s.value.Clone());
  }
  ValueRef y = layer.Call(b, in, {.training = training, .weights = weights, .states = states});
  Executor e(g, {y}, {}, &vars);
  return e.Run({{in, x}})[0];
}

inline Tensor Filled(const Shape& s, float v) {
  Tensor t(kFloat32, s);
  std::fill(t.data<float>(), t.data<float>() + t.num_elements(), v);
  return t;
}

// The layer Kiln's registered factory builds from a Keras config; fails the test on a refusal.
inline std::shared_ptr<Layer> FromConfig(const std::string& class_name, const nlohmann::json& c) {
  std::vector<std::string> unsupported;
  const LayerFactory* factory = FindLayerFactory(class_name);
  EXPECT_NE(factory, nullptr) << class_name << " is not registered";
  if (!factory) return nullptr;
  auto layer = (*factory)(c, unsupported);
  EXPECT_TRUE(unsupported.empty()) << unsupported[0];
  EXPECT_TRUE(layer) << class_name;
  return layer;
}

// The factory's first refusal of a config ("" when it accepts it).
inline std::string Refusal(const std::string& class_name, const nlohmann::json& c) {
  std::vector<std::string> unsupported;
  (*FindLayerFactory(class_name))(c, unsupported);
  return unsupported.empty() ? "" : unsupported[0];
}

// get_config, then the registered factory, rebuilds a layer with the same config.
inline void ExpectConfigRoundTrip(const Layer& layer) {
  auto back = FromConfig(layer.class_name(), layer.get_config());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->get_config(), layer.get_config());
}

// Whether `text` contains `part`; both are printed when not.
inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

}  // namespace kiln::keras

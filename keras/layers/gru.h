// GRU: Keras's gated recurrent unit, gates in Keras's column order z, r, h (kernel (features,
// 3 units), recurrent_kernel (units, 3 units)). reset_after=true (tf.keras 2 and Keras 3's
// default) applies the reset gate after the recurrent product and has a bias of two rows (2, 3
// units), input and recurrent; reset_after=false (Keras 2's) one row (3 units,). The options and
// masks are recurrent.h's.
//
//   KerasTensor y = layers::GRU(32)(x);                                    // (None, 32)
//   KerasTensor v1 = layers::GRU(32, {.reset_after = false})(x);           // Keras 2's layout
#pragma once

#include "keras/layers/recurrent.h"

namespace kiln::keras::layers {

class GRU : public Recurrent {
  KILN_LAYER_CLASS(GRU)

 public:
  // Throws kiln::ValueError naming the layer for bad units, rates or activations.
  explicit GRU(int64_t units, RNNOptions options = {});
  std::string class_name() const override { return "GRU"; }
  nlohmann::json get_config() const override;

 protected:
  AttrMap ExtraAttrs() const override;
  Shape BiasShape() const override;
};

}  // namespace kiln::keras::layers

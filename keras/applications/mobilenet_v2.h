// MobileNetV2 (Sandler et al. 2018) built exactly as keras.applications.MobileNetV2 builds it:
// the same layers in the same order with the same names (Conv1, bn_Conv1, expanded_conv_depthwise,
// block_1_expand, ..., Conv_1, out_relu, predictions), so that weights Keras saved load into it by
// position or by name, and a Keras-written MobileNetV2 file loads as the same model.
//
//   Model m = applications::MobileNetV2({.input_shape = {96, 96, 3}, .alpha = 0.35,
//                                         .classes = 10});
//   Model features = applications::MobileNetV2({.include_top = false, .pooling = "avg",
//                                                .weights = "mobilenet_v2_weights.h5"});
//
// Contract: see keras/applications/common.h (inputs at least 32x32); also alpha > 0.
#pragma once

#include <string>
#include <vector>

#include "keras/applications/common.h"

namespace kiln::keras::applications {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct MobileNetV2Options {
  std::vector<int64_t> input_shape = {};  // empty: (224, 224, 3)
  double alpha = 1.0;                     // width multiplier: every block's filters scale with it
  bool include_top = true;
  std::string weights = "";
  std::string pooling = "";  // with include_top false: "", "avg" or "max"
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";
  std::string name = "";  // default: Keras's "mobilenetv2_<alpha, 2 decimals>_<rows>"
};

Model MobileNetV2(MobileNetV2Options options = {});

}  // namespace kiln::keras::applications

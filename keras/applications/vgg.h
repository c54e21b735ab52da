// VGG16 and VGG19 (Simonyan & Zisserman 2014) built exactly as keras.applications.VGG16/VGG19
// build them: block1_conv1 ... block5_pool, then flatten, fc1, fc2, predictions, so that weights
// Keras saved load by position or by name.
//
//   Model m = applications::VGG16({.input_shape = {32, 32, 3}, .classes = 10});
//   Model features = applications::VGG19({.include_top = false, .pooling = "max"});
//
// Contract: see keras/applications/common.h (inputs at least 32x32). With include_top the Dense
// fc1 sees the flattened last block, so its size follows input_shape, as in Keras.
#pragma once

#include "keras/applications/common.h"

namespace kiln::keras::applications {

Model VGG16(ApplicationOptions options = {});
Model VGG19(ApplicationOptions options = {});

}  // namespace kiln::keras::applications

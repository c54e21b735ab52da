// ResNet50, ResNet101 and ResNet152 (He et al. 2015, v1 bottleneck blocks) built exactly as
// keras.applications.ResNet50/101/152 build them: the same layers in the same order with the same
// names (conv1_pad, conv1_conv, conv1_bn, conv1_relu, pool1_pad, pool1_pool,
// conv2_block1_0_conv, ..., conv5_block3_out, avg_pool, predictions), so that weights Keras saved
// load by position or by name.
//
//   Model m = applications::ResNet50({.input_shape = {64, 64, 3}, .classes = 10});
//   Model features = applications::ResNet50({.include_top = false, .pooling = "avg",
//                                            .weights = "resnet50_notop.h5"});
//
// Contract: see keras/applications/common.h (inputs at least 32x32).
#pragma once

#include "keras/applications/common.h"

namespace kiln::keras::applications {

Model ResNet50(ApplicationOptions options = {});
Model ResNet101(ApplicationOptions options = {});
Model ResNet152(ApplicationOptions options = {});

}  // namespace kiln::keras::applications

// DenseNet121, DenseNet169 and DenseNet201 (Huang et al. 2016) built exactly as
// keras.applications builds them: conv1_conv, conv1_bn, conv1_relu, pool1, the dense blocks
// conv2_block1_0_bn ... with their transitions pool2_bn, pool2_conv, pool2_pool ..., then bn,
// relu, avg_pool, predictions, so that weights Keras saved load by position or by name.
//
//   Model m = applications::DenseNet121({.input_shape = {64, 64, 3}, .classes = 10});
//
// Contract: see keras/applications/common.h (inputs at least 32x32).
#pragma once

#include "keras/applications/common.h"

namespace kiln::keras::applications {

Model DenseNet121(ApplicationOptions options = {});
Model DenseNet169(ApplicationOptions options = {});
Model DenseNet201(ApplicationOptions options = {});

}  // namespace kiln::keras::applications

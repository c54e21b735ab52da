// EfficientNetB0 ... B7 (Tan & Le 2019) built exactly as keras.applications builds them: the
// Rescaling and Normalization preprocessing, stem_conv_pad, stem_conv, stem_bn, stem_activation,
// the MBConv blocks block1a_dwconv ... block7a_project_bn with squeeze-and-excitation
// (se_squeeze, se_reshape, se_reduce, se_expand, se_excite) and per-sample drop-connect Dropout,
// then top_conv, top_bn, top_activation, avg_pool, top_dropout, predictions, so that weights Keras
// saved load by position or by name.
//
//   Model m = applications::EfficientNetB0({.input_shape = {64, 64, 3}, .classes = 10});
//
// Contract: see keras/applications/common.h (inputs at least 32x32; the default size grows from
// 224 for B0 to 600 for B7). Inputs are raw pixels in [0, 255]: the model rescales them itself.
// The Normalization layer starts at mean 0, variance 1 (Keras's weights=None); a Keras file or
// Normalization::adapt sets ImageNet's or the data's statistics.
#pragma once

#include "keras/applications/common.h"

namespace kiln::keras::applications {

Model EfficientNetB0(ApplicationOptions options = {});
Model EfficientNetB1(ApplicationOptions options = {});
Model EfficientNetB2(ApplicationOptions options = {});
Model EfficientNetB3(ApplicationOptions options = {});
Model EfficientNetB4(ApplicationOptions options = {});
Model EfficientNetB5(ApplicationOptions options = {});
Model EfficientNetB6(ApplicationOptions options = {});
Model EfficientNetB7(ApplicationOptions options = {});

}  // namespace kiln::keras::applications

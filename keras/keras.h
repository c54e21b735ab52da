// Kiln's Keras front end: one header for users.
//
//   #include "keras/keras.h"
//   using namespace kiln::keras;
//   Sequential model({layers::Dense(1, {.input_shape = {2}})});
//   model.compile({.optimizer = optimizers::SGD({.lr = 0.1}), .loss = "mse"});
//   model.fit(x, y, {.batch_size = 2, .epochs = 100});
//
// Keras's keyword arguments are C++20 designated initializers of an options struct: the
// positional arguments come first, as in Keras (Dense(64, ...), Conv2D(32, 3, ...),
// MaxPooling2D(2)), then {.name = value, ...} for the rest. Designated initializers must name
// the fields in their declaration order (GCC and Clang refuse any other), and every options
// struct declares its fields in the order Keras lists its arguments, so a call written with
// Keras's order compiles: Conv2D(32, 3, {.strides = 2, .padding = "same", .activation = "relu"}).
// Kiln's own fields (input_shape, name, out, clock) come after Keras's.
// tests/keras/options_order_test checks the order against Keras 3's signatures.
#pragma once

#include "graph/tensor.h"
#include "keras/applications/densenet.h"
#include "keras/applications/efficientnet.h"
#include "keras/applications/mobilenet_v2.h"
#include "keras/applications/resnet.h"
#include "keras/applications/vgg.h"
#include "keras/backend.h"
#include "keras/callbacks/backup_and_restore.h"
#include "keras/callbacks/csv_logger.h"
#include "keras/callbacks/early_stopping.h"
#include "keras/callbacks/lambda_callback.h"
#include "keras/callbacks/learning_rate_scheduler.h"
#include "keras/callbacks/model_checkpoint.h"
#include "keras/callbacks/progbar_logger.h"
#include "keras/callbacks/reduce_lr_on_plateau.h"
#include "keras/callbacks/tensorboard.h"
#include "keras/callbacks/terminate_on_nan.h"
#include "keras/datasets/fashion_mnist.h"
#include "keras/initializers.h"
#include "keras/layers/activation.h"
#include "keras/layers/add.h"
#include "keras/layers/average.h"
#include "keras/layers/average_pooling2d.h"
#include "keras/layers/batch_normalization.h"
#include "keras/layers/bidirectional.h"
#include "keras/layers/center_crop.h"
#include "keras/layers/concatenate.h"
#include "keras/layers/conv1d.h"
#include "keras/layers/conv2d.h"
#include "keras/layers/conv2d_transpose.h"
#include "keras/layers/cropping2d.h"
#include "keras/layers/dense.h"
#include "keras/layers/depthwise_conv2d.h"
#include "keras/layers/dot.h"
#include "keras/layers/dropout.h"
#include "keras/layers/elu.h"
#include "keras/layers/embedding.h"
#include "keras/layers/flatten.h"
#include "keras/layers/gaussian_dropout.h"
#include "keras/layers/gaussian_noise.h"
#include "keras/layers/global_pooling1d.h"
#include "keras/layers/global_pooling2d.h"
#include "keras/layers/gru.h"
#include "keras/layers/input_layer.h"
#include "keras/layers/layer_normalization.h"
#include "keras/layers/lstm.h"
#include "keras/layers/masking.h"
#include "keras/layers/max_pooling2d.h"
#include "keras/layers/maximum.h"
#include "keras/layers/merge.h"
#include "keras/layers/minimum.h"
#include "keras/layers/multiply.h"
#include "keras/layers/normalization.h"
#include "keras/layers/permute.h"
#include "keras/layers/pooling1d.h"
#include "keras/layers/prelu.h"
#include "keras/layers/relu.h"
#include "keras/layers/repeat_vector.h"
#include "keras/layers/rescaling.h"
#include "keras/layers/reshape.h"
#include "keras/layers/resizing.h"
#include "keras/layers/separable_conv2d.h"
#include "keras/layers/simple_rnn.h"
#include "keras/layers/softmax.h"
#include "keras/layers/spatial_dropout2d.h"
#include "keras/layers/subtract.h"
#include "keras/layers/time_distributed.h"
#include "keras/layers/up_sampling2d.h"
#include "keras/layers/zero_padding2d.h"
#include "keras/losses.h"
#include "keras/model.h"
#include "keras/optimizers.h"
#include "keras/saving/load_model.h"
#include "keras/utils.h"

namespace kiln::keras {
using ::kiln::kFloat32;
using ::kiln::kFloat64;
using ::kiln::kInt32;
using ::kiln::kInt64;
using ::kiln::kUInt8;
using ::kiln::Shape;
using ::kiln::Tensor;
}  // namespace kiln::keras

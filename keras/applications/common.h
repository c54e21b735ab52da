// What the keras.applications builders share: their common options, Keras's input-shape checks
// (imagenet_utils.obtain_input_shape without the ImageNet-weights branch, since Kiln never
// downloads) and the classifier or pooling head.
//
//   Model m = applications::ResNet50({.input_shape = {64, 64, 3}, .classes = 10});
//   Model f = applications::DenseNet121({.include_top = false, .pooling = "avg"});
//
// Contract: channels_last only, static input sizes. `weights` is a path to a file Keras wrote (a
// full model or a weights file), loaded by position as Model::load_weights does; empty keeps
// Keras's random initialization. Invalid options throw kiln::ValueError naming the model and the
// argument, worded as Keras words them.
#pragma once

#include <string>
#include <vector>

#include "keras/layers/zero_padding2d.h"
#include "keras/model.h"

namespace kiln::keras::applications {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ApplicationOptions {
  bool include_top = true;
  std::string weights = "";
  std::vector<int64_t> input_shape = {};  // empty: the model's default, (224, 224, 3) for most
  std::string pooling = "";               // with include_top false: "", "avg" or "max"
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";
  std::string name = "";  // default: Keras's model name
};

namespace internal {

// Checks `input_shape` (rank 3, rows and cols at least `min_size`), `classes` and `pooling`, and
// returns the input shape: (default_size, default_size, 3) when `input_shape` is empty.
std::vector<int64_t> CheckOptions(const std::string& model, std::vector<int64_t> input_shape,
                                  int64_t default_size, int64_t min_size, bool include_top,
                                  int64_t classes, const std::string& pooling);

// Keras's imagenet_utils.correct_pad: the padding before a stride-2 "valid" convolution with a
// `kernel` window that centres it as "same" padding would on an odd input.
layers::ZeroPadding2DOptions CorrectPad(const Shape& input, int64_t kernel,
                                        const std::string& name);

// include_top: GlobalAveragePooling2D (named `avg_pool` unless `avg_name` is empty) and the
// `predictions` Dense; otherwise the optional pooling (`avg_pool` / `max_pool`).
KerasTensor PoolingHead(const KerasTensor& x, bool include_top, const std::string& pooling,
                        int64_t classes, const std::string& classifier_activation,
                        bool named_pools = true);

// The functional model from `inputs` to `outputs`, with `weights` loaded when given.
Model Finish(const KerasTensor& inputs, const KerasTensor& outputs, const std::string& name,
             const std::string& weights);

}  // namespace internal
}  // namespace kiln::keras::applications

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

#include "keras/model.h"

namespace kiln::keras::applications {

struct ApplicationOptions {
  std::vector<int64_t> input_shape = {224, 224, 3};
  bool include_top = true;
  std::string weights = "";
  std::string pooling = "";  // with include_top false: "", "avg" or "max"
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";
  std::string name = "";  // default: Keras's model name
};

namespace internal {

// Checks `input_shape` (rank 3, rows and cols at least `min_size`), `classes` and `pooling`.
void CheckOptions(const std::string& model, const std::vector<int64_t>& input_shape,
                  int64_t min_size, bool include_top, int64_t classes, const std::string& pooling);

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

#include "keras/applications/common.h"

#include "keras/layers/dense.h"
#include "keras/layers/global_pooling2d.h"

namespace kiln::keras::applications::internal {

std::vector<int64_t> CheckOptions(const std::string& model, std::vector<int64_t> input_shape,
                                  int64_t default_size, int64_t min_size, bool include_top,
                                  int64_t classes, const std::string& pooling) {
  if (input_shape.empty()) input_shape = {default_size, default_size, 3};
  const std::string where = model + ": ";
  const std::string shape = KerasShapeString(Shape(input_shape));
  if (input_shape.size() != 3)
    throw ValueError(where + "`input_shape` must be a tuple of three integers (rows, cols, " +
                     "channels; channels_last); received input_shape=" + shape);
  for (int64_t d : input_shape)
    if (d <= 0)
      throw ValueError(where + "every dimension of input_shape must be positive, got " + shape +
                       " (Kiln builds static graphs: give the image size)");
  if (input_shape[0] < min_size || input_shape[1] < min_size)
    throw ValueError(where + "Input size must be at least " + std::to_string(min_size) + "x" +
                     std::to_string(min_size) + "; Received: input_shape=" + shape);
  if (include_top && classes <= 0)
    throw ValueError(where + "classes must be positive, got " + std::to_string(classes));
  if (pooling != "" && pooling != "avg" && pooling != "max")
    throw ValueError(where + "pooling must be '', 'avg' or 'max', got '" + pooling + "'");
  return input_shape;
}

layers::ZeroPadding2DOptions CorrectPad(const Shape& s, int64_t kernel, const std::string& name) {
  auto adjust = [](int64_t d) { return d < 0 ? int64_t{1} : 1 - d % 2; };
  const int64_t c = kernel / 2;
  return {.padding = {{{c - adjust(s[1]), c}, {c - adjust(s[2]), c}}}, .name = name};
}

KerasTensor PoolingHead(const KerasTensor& x, bool include_top, const std::string& pooling,
                        int64_t classes, const std::string& classifier_activation,
                        bool named_pools) {
  const auto name = [&](const char* n) { return named_pools ? std::string(n) : std::string(); };
  if (include_top) {
    const KerasTensor pooled = layers::GlobalAveragePooling2D({.name = name("avg_pool")})(x);
    return layers::Dense(classes,
                         {.activation = classifier_activation, .name = "predictions"})(pooled);
  }
  if (pooling == "avg") return layers::GlobalAveragePooling2D({.name = name("avg_pool")})(x);
  if (pooling == "max") return layers::GlobalMaxPooling2D({.name = name("max_pool")})(x);
  return x;
}

Model Finish(const KerasTensor& inputs, const KerasTensor& outputs, const std::string& name,
             const std::string& weights) {
  Model model({.inputs = {inputs}, .outputs = {outputs}, .name = name});
  if (!weights.empty()) model.load_weights(weights);
  return model;
}

}  // namespace kiln::keras::applications::internal

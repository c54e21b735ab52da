#include "keras/layers/max_pooling2d.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {
namespace {
KILN_REGISTER_LAYER("MaxPooling2D", Pooling2DFromConfig<MaxPooling2D>);
}  // namespace
}  // namespace kiln::keras::layers

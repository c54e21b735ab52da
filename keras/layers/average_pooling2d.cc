#include "keras/layers/average_pooling2d.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {
namespace {
KILN_REGISTER_LAYER("AveragePooling2D", Pooling2DFromConfig<AveragePooling2D>);
}  // namespace
}  // namespace kiln::keras::layers

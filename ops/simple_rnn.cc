#include "ops/recurrent_common.h"

namespace kiln::ops {
namespace {

constexpr RecurrentLayout kLayout = {.states = 1, .gates = 1, .saved_width = 1};

KILN_REGISTER_OP(OpDef{
    .name = "SimpleRNN",
    .inputs = {{"x", kFloatTypes, "T"},
               {"h0", kFloatTypes, "T"},
               {"kernel", kFloatTypes, "T"},
               {"recurrent_kernel", kFloatTypes, "T"},
               {"bias", kFloatTypes, "T"},
               {"mask", kFloatTypes, "T"},
               {"recurrent_mask", kFloatTypes, "T"}},
    .outputs = {{"y"}, {"h"}, {"z"}, {"hs"}},
    .attrs = RecurrentAttrs("tanh", "sigmoid"),
    .shape_fn = [](const InferenceContext& c) { return RecurrentShapes(c, kLayout, false); },
    .grad_fn = [](GradContext& c) { return RecurrentGradient(c, kLayout, "SimpleRNNGrad"); },
    .doc = "h = activation(x W + h R + b) per step (Keras's SimpleRNN cell); z holds the "
           "pre-activations; recurrent_activation is unused. The sequence layout, masks and saved "
           "outputs are ops/recurrent_common.h's.",
});

KILN_REGISTER_OP(OpDef{
    .name = "SimpleRNNGrad",
    .inputs = {{"x", kFloatTypes, "T"},
               {"h0", kFloatTypes, "T"},
               {"kernel", kFloatTypes, "T"},
               {"recurrent_kernel", kFloatTypes, "T"},
               {"bias", kFloatTypes, "T"},
               {"mask", kFloatTypes, "T"},
               {"recurrent_mask", kFloatTypes, "T"},
               {"z", kFloatTypes, "T"},
               {"hs", kFloatTypes, "T"},
               {"dy", kFloatTypes, "T"},
               {"dh", kFloatTypes, "T"}},
    .outputs = {{"dx"}, {"dh0"}, {"dkernel"}, {"drecurrent_kernel"}, {"dbias"}},
    .attrs = RecurrentAttrs("tanh", "sigmoid"),
    .shape_fn = [](const InferenceContext& c) { return RecurrentGradShapes(c, kLayout); },
    .not_differentiable = "backpropagation through time in one kernel; second derivatives of "
                          "recurrent layers are not supported",
    .doc = "SimpleRNN's gradients by backpropagation through time over the saved pre-activations "
           "and states.",
});

}  // namespace
}  // namespace kiln::ops

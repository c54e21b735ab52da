#include "ops/recurrent_common.h"

namespace kiln::ops {
namespace {

constexpr RecurrentLayout kLayout = {.states = 2, .gates = 4, .saved_width = 4};

KILN_REGISTER_OP(OpDef{
    .name = "LSTM",
    .inputs = {{"x", kFloatTypes, "T"},
               {"h0", kFloatTypes, "T"},
               {"c0", kFloatTypes, "T"},
               {"kernel", kFloatTypes, "T"},
               {"recurrent_kernel", kFloatTypes, "T"},
               {"bias", kFloatTypes, "T"},
               {"mask", kFloatTypes, "T"},
               {"recurrent_mask", kFloatTypes, "T"}},
    .outputs = {{"y"}, {"h"}, {"c"}, {"z"}, {"hs"}, {"cs"}},
    .attrs = RecurrentAttrs("tanh", "sigmoid"),
    .shape_fn = [](const InferenceContext& c) { return RecurrentShapes(c, kLayout, false); },
    .grad_fn = [](GradContext& c) { return RecurrentGradient(c, kLayout, "LSTMGrad"); },
    .doc = "Keras's LSTM cell with gates in Keras's order i, f, c, o: z = x W + h R + b, i = "
           "ra(z_i), f = ra(z_f), o = ra(z_o), c = f c + i a(z_c), h = o a(c) (a: activation, ra: "
           "recurrent_activation). States h then c; z holds the four gate pre-activations. The "
           "sequence layout, masks and saved outputs are ops/recurrent_common.h's.",
});

KILN_REGISTER_OP(OpDef{
    .name = "LSTMGrad",
    .inputs = {{"x", kFloatTypes, "T"},
               {"h0", kFloatTypes, "T"},
               {"c0", kFloatTypes, "T"},
               {"kernel", kFloatTypes, "T"},
               {"recurrent_kernel", kFloatTypes, "T"},
               {"bias", kFloatTypes, "T"},
               {"mask", kFloatTypes, "T"},
               {"recurrent_mask", kFloatTypes, "T"},
               {"z", kFloatTypes, "T"},
               {"hs", kFloatTypes, "T"},
               {"cs", kFloatTypes, "T"},
               {"dy", kFloatTypes, "T"},
               {"dh", kFloatTypes, "T"},
               {"dc", kFloatTypes, "T"}},
    .outputs = {{"dx"}, {"dh0"}, {"dc0"}, {"dkernel"}, {"drecurrent_kernel"}, {"dbias"}},
    .attrs = RecurrentAttrs("tanh", "sigmoid"),
    .shape_fn = [](const InferenceContext& c) { return RecurrentGradShapes(c, kLayout); },
    .not_differentiable = "backpropagation through time in one kernel; second derivatives of "
                          "recurrent layers are not supported",
    .doc = "LSTM's gradients by backpropagation through time over the saved pre-activations "
           "and states.",
});

}  // namespace
}  // namespace kiln::ops

#include "ops/recurrent_common.h"

namespace kiln::ops {
namespace {

RecurrentLayout Layout(const AttrMap&) { return {.states = 1, .gates = 1, .saved_width = 1}; }

KILN_REGISTER_OP(RecurrentOp("SimpleRNN", Layout, RecurrentAttrs("tanh", "sigmoid"),
                             "h = activation(x W + h R + b) per step (Keras's SimpleRNN cell); z "
                             "holds the pre-activations; recurrent_activation is unused."));
KILN_REGISTER_OP(RecurrentGradOp("SimpleRNN", Layout, RecurrentAttrs("tanh", "sigmoid")));

}  // namespace
}  // namespace kiln::ops

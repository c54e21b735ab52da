#include "ops/recurrent_common.h"

namespace kiln::ops {
namespace {

RecurrentLayout Layout(const AttrMap&) { return {.states = 2, .gates = 4, .saved_width = 4}; }

KILN_REGISTER_OP(RecurrentOp(
    "LSTM", Layout, RecurrentAttrs("tanh", "sigmoid"),
    "Keras's LSTM cell with gates in Keras's order i, f, c, o: z = x W + h R + b, i = ra(z_i), f "
    "= ra(z_f), o = ra(z_o), c = f c + i a(z_c), h = o a(c) (a: activation, ra: "
    "recurrent_activation). States h then c; z holds the four gate pre-activations."));
KILN_REGISTER_OP(RecurrentGradOp("LSTM", Layout, RecurrentAttrs("tanh", "sigmoid")));

}  // namespace
}  // namespace kiln::ops

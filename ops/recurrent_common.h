// What the three recurrent ops (SimpleRNN, LSTM, GRU, each with its gradient op) share: one
// layout of inputs and outputs, their shape checks, the activations a cell may use, and the
// gradient function that wires the forward node into its gradient op.
//
// A recurrent op with S states (1: SimpleRNN, GRU; 2: LSTM, h then c) and G gates runs a whole
// sequence, forward and backward over time in one kernel each (as cuDNN's RNN API and
// TensorFlow's BlockLSTM do):
//
//   inputs   x [B, T, I], S initial states [B, U] (or [1, U], the same for every row: zeros
//            when the layer has no initial state), kernel [I, G*U], recurrent_kernel [U, G*U],
//            bias [G*U] (GRU with reset_after: [2, 3U], input and recurrent rows), mask [B, T]
//            (1 keeps a step, 0 skips it: the states carry over, as Keras's masks) or a scalar
//            1 for no mask, recurrent_mask [B, U] (recurrent dropout: h times it enters the
//            recurrent products, the same at every step) or a scalar 1
//   outputs  y [B, T, U] in processing order (reversed time for go_backwards; in time order with
//            outputs_in_time_order, as Bidirectional's backward layer gives it), the S final
//            states [B, U], then what the gradient needs: z [B, T, Z] (the cell's pre-activations
//            per processing step) and the state after each processing step, [B, T, U] per state.
//   gradient op inputs: the forward inputs, the saved outputs (z and the state sequences), then
//            dy and the S final-state gradients; outputs: dx, the S initial-state gradients,
//            dkernel, drecurrent_kernel, dbias.
//
// Masked steps follow Keras's backend rnn: the states keep their previous value, and the output
// is the previous step's output (zero before the first kept step), or zero with
// zero_output_for_mask (what Keras's Bidirectional asks of its layers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ops/common.h"

namespace kiln::ops {

// The elementwise activations a recurrent cell evaluates inside its kernel (Keras's names);
// hard_sigmoid is Keras 3's relu6(x + 3) / 6.
std::span<const std::string_view> RecurrentActivationNames();
bool IsRecurrentActivation(std::string_view name);

struct RecurrentLayout {
  int states;                 // 1 or 2
  int gates;                  // G: the kernel has G * units columns
  int saved_width;            // Z / units: the width of the saved pre-activations
  bool two_row_bias = false;  // GRU's reset_after: bias [2, G*U]
};
// A cell's layout for a node's attributes (GRU's depends on reset_after).
using LayoutOf = RecurrentLayout (*)(const AttrMap& attrs);

// The attributes every recurrent op has (activation names, go_backwards, zero_output_for_mask,
// outputs_in_time_order).
std::vector<AttrDef> RecurrentAttrs(const std::string& activation,
                                    const std::string& recurrent_activation);
// The forward op `name` and its gradient op `name`Grad, with the inputs, outputs, shape checks
// and gradient wiring described above; `doc` says what one step computes.
OpDef RecurrentOp(const std::string& name, LayoutOf layout, std::vector<AttrDef> attrs,
                  const std::string& doc);
OpDef RecurrentGradOp(const std::string& name, LayoutOf layout, std::vector<AttrDef> attrs);

}  // namespace kiln::ops

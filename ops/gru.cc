#include "ops/recurrent_common.h"

namespace kiln::ops {
namespace {

// reset_after saves [a_z, a_r, a_h, the recurrent part of the candidate] and has two bias rows;
// without it, three saved blocks and one row.
RecurrentLayout Layout(const AttrMap& attrs) {
  const bool after = attrs.Get<bool>("reset_after");
  return {.states = 1, .gates = 3, .saved_width = after ? 4 : 3, .two_row_bias = after};
}

std::vector<AttrDef> Attrs() {
  std::vector<AttrDef> a = RecurrentAttrs("tanh", "sigmoid");
  a.push_back({"reset_after", AttrType::kBool, true});
  return a;
}

KILN_REGISTER_OP(RecurrentOp(
    "GRU", Layout, Attrs(),
    "Keras's GRU cell, gates in Keras's order z, r, h. reset_after (tf.keras 2 and Keras 3's "
    "default): xz = x W + b[0], rz = h R + b[1], z = ra(xz_z + rz_z), r = ra(xz_r + rz_r), h' = "
    "a(xz_h + r rz_h); without it (Keras 2's default, one bias row): z and r from x W + b + h R, "
    "h' = a(xz_h + (r h) R_h). Then h = z h + (1 - z) h'."));
KILN_REGISTER_OP(RecurrentGradOp("GRU", Layout, Attrs()));

}  // namespace
}  // namespace kiln::ops

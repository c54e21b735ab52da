#include "ops/recurrent_common.h"

namespace kiln::ops {
namespace {

// reset_after saves a4 = [a_z, a_r, a_h, the recurrent part of the candidate]; without it, three.
RecurrentLayout Layout(const AttrMap& attrs) {
  return {.states = 1, .gates = 3, .saved_width = attrs.Get<bool>("reset_after") ? 4 : 3};
}

std::vector<AttrDef> Attrs() {
  std::vector<AttrDef> a = RecurrentAttrs("tanh", "sigmoid");
  a.push_back({"reset_after", AttrType::kBool, true});
  return a;
}

KILN_REGISTER_OP(OpDef{
    .name = "GRU",
    .inputs = {{"x", kFloatTypes, "T"},
               {"h0", kFloatTypes, "T"},
               {"kernel", kFloatTypes, "T"},
               {"recurrent_kernel", kFloatTypes, "T"},
               {"bias", kFloatTypes, "T"},
               {"mask", kFloatTypes, "T"},
               {"recurrent_mask", kFloatTypes, "T"}},
    .outputs = {{"y"}, {"h"}, {"z"}, {"hs"}},
    .attrs = Attrs(),
    .shape_fn =
        [](const InferenceContext& c) {
          return RecurrentShapes(c, Layout(c.attrs), c.attrs.Get<bool>("reset_after"));
        },
    .grad_fn = [](GradContext& c) { return RecurrentGradient(c, Layout(c.attrs()), "GRUGrad"); },
    .doc = "Keras's GRU cell, gates in Keras's order z, r, h. reset_after (tf.keras 2 and Keras "
           "3's default): xz = x W + b[0], rz = h R + b[1], z = ra(xz_z + rz_z), r = ra(xz_r + "
           "rz_r), h' = a(xz_h + r rz_h); without it (Keras 2's default, one bias row): z and r "
           "from x W + b + h R, h' = a(xz_h + (r h) R_h). Then h = z h + (1 - z) h'. The "
           "sequence layout, masks and saved outputs are ops/recurrent_common.h's.",
});

KILN_REGISTER_OP(OpDef{
    .name = "GRUGrad",
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
    .attrs = Attrs(),
    .shape_fn = [](const InferenceContext& c) { return RecurrentGradShapes(c, Layout(c.attrs)); },
    .not_differentiable = "backpropagation through time in one kernel; second derivatives of "
                          "recurrent layers are not supported",
    .doc = "GRU's gradients by backpropagation through time over the saved pre-activations and "
           "states.",
});

}  // namespace
}  // namespace kiln::ops

#include "ops/recurrent_common.h"

#include <algorithm>
#include <array>

namespace kiln::ops {
namespace {

constexpr std::array<std::string_view, 12> kActivations = {
    "linear", "tanh", "sigmoid",  "hard_sigmoid", "relu",  "relu6",
    "elu",    "selu", "softplus", "softsign",     "swish", "silu"};

bool Fits(int64_t a, int64_t b) { return a < 0 || b < 0 || a == b; }

std::string Str(const Shape& s) { return s.ToString(); }

void CheckActivations(const InferenceContext& c) {
  for (const char* key : {"activation", "recurrent_activation"}) {
    const std::string name = c.attrs.Get<std::string>(key);
    if (!IsRecurrentActivation(name)) {
      std::string known;
      for (std::string_view n : kActivations) known += (known.empty() ? "" : ", ") + std::string(n);
      c.Fail(std::string(key) + " '" + name + "' is not one a recurrent cell runs (" + known + ")");
    }
  }
}

}  // namespace

std::span<const std::string_view> RecurrentActivationNames() { return kActivations; }

bool IsRecurrentActivation(std::string_view name) {
  return std::find(kActivations.begin(), kActivations.end(), name) != kActivations.end();
}

std::vector<AttrDef> RecurrentAttrs(const std::string& activation,
                                    const std::string& recurrent_activation) {
  return {{"activation", AttrType::kString, activation},
          {"recurrent_activation", AttrType::kString, recurrent_activation},
          {"go_backwards", AttrType::kBool, false},
          {"zero_output_for_mask", AttrType::kBool, false},
          {"outputs_in_time_order", AttrType::kBool, false}};
}

namespace {

std::vector<TensorType> RecurrentShapes(const InferenceContext& c, const RecurrentLayout& l) {
  const bool two_row_bias = l.two_row_bias;
  CheckActivations(c);
  const Shape& x = c.shape(0);
  if (x.rank() != 3) c.Fail("x must be [batch, steps, features], got " + Str(x));
  const int k = 1 + l.states;
  const Shape &kernel = c.shape(k), &rec = c.shape(k + 1), &bias = c.shape(k + 2),
              &mask = c.shape(k + 3), &rec_mask = c.shape(k + 4);
  if (rec.rank() != 2) c.Fail("recurrent_kernel must be a matrix, got " + Str(rec));
  const int64_t units = rec[0], g = l.gates;
  const int64_t cols = units < 0 ? kUnknownDim : g * units;
  if (!Fits(rec[1], cols))
    c.Fail("recurrent_kernel " + Str(rec) + " must be [units, " + std::to_string(g) + " * units]");
  if (kernel.rank() != 2 || !Fits(kernel[0], x[2]) || !Fits(kernel[1], cols))
    c.Fail("kernel " + Str(kernel) + " must be [" + std::to_string(x[2]) + ", " +
           std::to_string(cols) + "] for x " + Str(x) + " and recurrent_kernel " + Str(rec));
  const bool bias_ok = two_row_bias ? bias.rank() == 2 && Fits(bias[0], 2) && Fits(bias[1], cols)
                                    : bias.rank() == 1 && Fits(bias[0], cols);
  if (!bias_ok)
    c.Fail("bias " + Str(bias) + " must be " + (two_row_bias ? "[2, " : "[") +
           std::to_string(cols) + "]");
  for (int s = 0; s < l.states; ++s) {
    const Shape& st = c.shape(1 + s);
    if (st.rank() != 2 || !(Fits(st[0], x[0]) || st[0] == 1) || !Fits(st[1], units))
      c.Fail("initial state " + std::to_string(s) + " " + Str(st) + " must be [" +
             std::to_string(x[0]) + " or 1, " + std::to_string(units) + "]");
  }
  if (mask.rank() != 0 && (mask.rank() != 2 || !Fits(mask[0], x[0]) || !Fits(mask[1], x[1])))
    c.Fail("mask " + Str(mask) + " must be [batch, steps] of x " + Str(x) + ", or a scalar 1");
  if (rec_mask.rank() != 0 &&
      (rec_mask.rank() != 2 || !Fits(rec_mask[0], x[0]) || !Fits(rec_mask[1], units)))
    c.Fail("recurrent_mask " + Str(rec_mask) + " must be [batch, units] or a scalar 1");
  const DType t = c.dtype(0);
  const Shape seq{x[0], x[1], units}, state{x[0], units};
  std::vector<TensorType> out = {{t, seq}};
  for (int s = 0; s < l.states; ++s) out.push_back({t, state});
  out.push_back({t, Shape{x[0], x[1], units < 0 ? kUnknownDim : l.saved_width * units}});
  for (int s = 0; s < l.states; ++s) out.push_back({t, seq});
  return out;
}

std::vector<TensorType> RecurrentGradShapes(const InferenceContext& c, const RecurrentLayout& l) {
  const int n_forward = 6 + l.states, n_saved = 1 + l.states;
  const int64_t want = n_forward + n_saved + 1 + l.states;
  if (static_cast<int64_t>(c.inputs.size()) != want)
    c.Fail("takes " + std::to_string(want) + " inputs, got " + std::to_string(c.inputs.size()));
  const Shape& y = c.shape(n_forward + n_saved);
  if (y.rank() != 3 || !c.shape(0).IsCompatibleWith(Shape{y[0], y[1], c.shape(0)[2]}))
    c.Fail("dy " + Str(y) + " does not fit x " + Str(c.shape(0)));
  return std::vector<TensorType>(c.inputs.begin(), c.inputs.begin() + n_forward - 2);
}

Grads RecurrentGradient(GradContext& c, const RecurrentLayout& l, const std::string& grad_op) {
  GraphBuilder& b = c.b;
  const int n_forward = 6 + l.states;
  std::vector<ValueRef> in(c.node.inputs.begin(), c.node.inputs.end());
  for (int k = 1 + l.states; k < 2 + 2 * l.states; ++k) in.push_back(c.y(k));
  // An output that does not reach the loss contributes a zero gradient (outputs are finite).
  for (int k = 0; k <= l.states; ++k)
    in.push_back(c.dy(k).valid() ? c.dy(k)
                                 : b.Op("Mul", {c.y(k), b.Scalar(0, b.type(c.y(k)).dtype)}));
  for (int k = 1 + l.states; k < 2 + 2 * l.states; ++k)
    if (c.dy(k).valid())
      throw Error(c.node.op + " (node '" + c.node.name + "'): output " + std::to_string(k) +
                  " (saved for the gradient) is not differentiable");
  std::vector<ValueRef> d = b.OpN(grad_op, in, c.node.attrs);
  Grads grads(d.begin(), d.end());
  grads.push_back(ValueRef{});  // the mask
  grads.push_back(ValueRef{});  // the recurrent dropout mask
  if (static_cast<int>(grads.size()) != n_forward)
    throw Error(grad_op + " made " + std::to_string(grads.size()) + " gradients");
  return grads;
}

// The inputs of a forward op with these states, then (for the gradient op) what follows them.
std::vector<ArgDef> Inputs(int states, bool grad) {
  const std::vector<std::string> names =
      states == 2 ? std::vector<std::string>{"h", "c"} : std::vector<std::string>{"h"};
  std::vector<std::string> in = {"x"};
  for (const auto& n : names) in.push_back(n + "0");
  for (const char* n : {"kernel", "recurrent_kernel", "bias", "mask", "recurrent_mask"})
    in.push_back(n);
  if (grad) {
    in.push_back("z");
    for (const auto& n : names) in.push_back(n + "s");
    in.push_back("dy");
    for (const auto& n : names) in.push_back("d" + n);
  }
  std::vector<ArgDef> args;
  for (const auto& n : in) args.push_back({n, kFloatTypes, "T"});
  return args;
}

}  // namespace

OpDef RecurrentOp(const std::string& name, LayoutOf layout, std::vector<AttrDef> attrs,
                  const std::string& doc) {
  const RecurrentLayout any = layout(AttrMap{{"reset_after", true}});
  std::vector<ArgDef> outputs = {{"y"}, {"h"}};
  if (any.states == 2) outputs.push_back({"c"});
  outputs.push_back({"z"});
  outputs.push_back({"hs"});
  if (any.states == 2) outputs.push_back({"cs"});
  const std::string grad_op = name + "Grad";
  return OpDef{
      .name = name,
      .inputs = Inputs(any.states, false),
      .outputs = outputs,
      .attrs = std::move(attrs),
      .shape_fn =
          [layout](const InferenceContext& c) { return RecurrentShapes(c, layout(c.attrs)); },
      .grad_fn = [layout, grad_op](
                     GradContext& c) { return RecurrentGradient(c, layout(c.attrs()), grad_op); },
      .doc = doc + " The sequence layout, masks and saved outputs are ops/recurrent_common.h's.",
  };
}

OpDef RecurrentGradOp(const std::string& name, LayoutOf layout, std::vector<AttrDef> attrs) {
  const RecurrentLayout any = layout(AttrMap{{"reset_after", true}});
  std::vector<ArgDef> outputs = {{"dx"}, {"dh0"}};
  if (any.states == 2) outputs.push_back({"dc0"});
  for (const char* n : {"dkernel", "drecurrent_kernel", "dbias"}) outputs.push_back({n});
  return OpDef{
      .name = name + "Grad",
      .inputs = Inputs(any.states, true),
      .outputs = outputs,
      .attrs = std::move(attrs),
      .shape_fn =
          [layout](const InferenceContext& c) { return RecurrentGradShapes(c, layout(c.attrs)); },
      .not_differentiable =
          "backpropagation through time in one kernel; second derivatives of "
          "recurrent layers are not supported",
      .doc = name +
             "'s gradients by backpropagation through time over the saved "
             "pre-activations and states.",
  };
}

}  // namespace kiln::ops

#include "tests/ops/op_cases.h"

#include <cmath>

namespace kiln::testing {
namespace {

using V = std::vector<int64_t>;

// Softmax cross-entropy's labels are distributions: positive rows that sum to one.
void NormalizeLabels(std::vector<Tensor>& in) {
  Tensor& z = in[1];
  DispatchDType(z.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      T* p = z.data<T>();
      int64_t c = z.dim(1);
      for (int64_t r = 0; r < z.dim(0); ++r) {
        T sum = 0;
        for (int64_t j = 0; j < c; ++j) sum += (p[r * c + j] = std::abs(p[r * c + j]) + T(0.1));
        for (int64_t j = 0; j < c; ++j) p[r * c + j] /= sum;
      }
    }
  });
}

// Values of y for the sigmoid gradient lie in (0, 1); for tanh in (-1, 1).
// |x| >= 0.25, signs kept.
void AwayFromZero(std::vector<Tensor>& in) {
  DispatchDType(in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      T* p = in[0].data<T>();
      for (int64_t i = 0; i < in[0].num_elements(); ++i)
        p[i] = p[i] < 0 ? p[i] - T(0.25) : p[i] + T(0.25);
    }
  });
}

// Every other element exactly 0.
void WithZeros(std::vector<Tensor>& in) {
  DispatchDType(in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      T* p = in[0].data<T>();
      for (int64_t i = 0; i < in[0].num_elements(); i += 2) p[i] = T(0);
    }
  });
}

void SquashInput0(std::vector<Tensor>& in) {
  DispatchDType(in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      T* p = in[0].data<T>();
      for (int64_t i = 0; i < in[0].num_elements(); ++i) p[i] = T(1) / (T(1) + std::exp(-p[i]));
    }
  });
}

// A recurrent op's attributes, all given (the grad rows' prepare runs the forward reference).
AttrMap RecurrentAttrs(const std::string& act, const std::string& rec_act, bool backwards,
                       bool zero_output, std::optional<bool> reset_after = std::nullopt) {
  AttrMap a = {{"activation", act},
               {"recurrent_activation", rec_act},
               {"go_backwards", backwards},
               {"zero_output_for_mask", zero_output},
               {"outputs_in_time_order", false}};
  if (reset_after) a.Set("reset_after", *reset_after);
  return a;
}

// One row of a recurrent op or its gradient op: batch 2, 4 steps, 3 features, `units` units
// (5 unless given), a mask that skips steps and a recurrent dropout mask (PrepareRecurrent).
// With `shared_state`, one initial state row for the batch and scalar masks (none), as the
// layers pass when they have neither.
OpCase RecurrentCase(const std::string& name, const std::string& op, AttrMap attrs,
                     bool shared_state = false, int units = 5) {
  const bool grad = op.ends_with("Grad");
  const std::string fwd = grad ? op.substr(0, op.size() - 4) : op;
  const int states = fwd == "LSTM" ? 2 : 1, gates = fwd == "LSTM" ? 4 : fwd == "GRU" ? 3 : 1;
  const bool two_rows = fwd == "GRU" && attrs.Get<bool>("reset_after");
  const int saved = fwd == "GRU" ? (two_rows ? 4 : 3) * units : gates * units;
  const std::string u = std::to_string(units), g = std::to_string(gates * units);
  std::string shapes = "[2,4,3]";
  for (int k = 0; k < states; ++k) shapes += shared_state ? ";[1," + u + "]" : ";[2," + u + "]";
  shapes += ";[3," + g + "];[" + u + "," + g + "];" + (two_rows ? "[2," + g + "]" : "[" + g + "]");
  // The mask and the recurrent dropout mask, or scalar 1s for neither.
  shapes += shared_state ? ";[];[]" : ";[2,4];[2," + u + "]";
  if (grad) {
    shapes += ";[2,4," + std::to_string(saved) + "]";
    for (int k = 0; k < states; ++k) shapes += ";[2,4," + u + "]";
    shapes += ";[2,4," + u + "]";
    for (int k = 0; k < states; ++k) shapes += ";[2," + u + "]";
  }
  OpCase c{.name = name,
           .op = op,
           .shapes = shapes,
           .attrs = attrs,
           .ref = grad ? RefRecurrentGrad(op) : RefRecurrent(op),
           .lo = -1,
           .hi = 1,
           .no_grad = {4 + states, 5 + states},
           .prepare = PrepareRecurrent(op, attrs)};
  if (grad) c.tolerance64 = 1e-7;
  return c;
}

// Bidirectional's backward layer: go_backwards, its outputs back in time order.
AttrMap InTimeOrder(AttrMap a) {
  a.Set("outputs_in_time_order", true);
  return a;
}

std::vector<OpCase> RecurrentCases() {
  return {
      RecurrentCase("GRU_backwards_in_time_order", "GRU",
                    InTimeOrder(RecurrentAttrs("tanh", "sigmoid", true, true, true))),
      RecurrentCase("LSTMGrad_backwards_in_time_order", "LSTMGrad",
                    InTimeOrder(RecurrentAttrs("tanh", "sigmoid", true, true))),
      RecurrentCase("SimpleRNN", "SimpleRNN", RecurrentAttrs("tanh", "sigmoid", false, false)),
      RecurrentCase("SimpleRNN_backwards_zero_output", "SimpleRNN",
                    RecurrentAttrs("selu", "sigmoid", true, true)),
      RecurrentCase("SimpleRNNGrad", "SimpleRNNGrad",
                    RecurrentAttrs("tanh", "sigmoid", true, false)),
      RecurrentCase("LSTM", "LSTM", RecurrentAttrs("tanh", "sigmoid", false, false)),
      RecurrentCase("LSTM_backwards_softsign_swish", "LSTM",
                    RecurrentAttrs("softsign", "swish", true, false)),
      RecurrentCase("LSTM_zero_output_elu", "LSTM", RecurrentAttrs("elu", "sigmoid", false, true)),
      RecurrentCase("LSTMGrad", "LSTMGrad", RecurrentAttrs("tanh", "sigmoid", false, false)),
      RecurrentCase("LSTMGrad_backwards_zero_output", "LSTMGrad",
                    RecurrentAttrs("softsign", "sigmoid", true, true)),
      RecurrentCase("GRU", "GRU", RecurrentAttrs("tanh", "sigmoid", false, false, true)),
      RecurrentCase("GRU_reset_before_backwards", "GRU",
                    RecurrentAttrs("tanh", "sigmoid", true, false, false)),
      RecurrentCase("GRU_softplus_tanh_zero_output", "GRU",
                    RecurrentAttrs("softplus", "tanh", false, true, true)),
      RecurrentCase("GRUGrad", "GRUGrad", RecurrentAttrs("tanh", "sigmoid", false, false, true)),
      RecurrentCase("GRUGrad_reset_before", "GRUGrad",
                    RecurrentAttrs("sigmoid", "tanh", true, true, false)),
      RecurrentCase("LSTM_shared_state_no_mask", "LSTM",
                    RecurrentAttrs("tanh", "sigmoid", false, false), true),
      RecurrentCase("LSTMGrad_shared_state_no_mask", "LSTMGrad",
                    RecurrentAttrs("tanh", "sigmoid", true, false), true),
      RecurrentCase("GRUGrad_shared_state_no_mask", "GRUGrad",
                    RecurrentAttrs("tanh", "sigmoid", false, false, true), true),
      // 32 units: gate blocks of 32 and 64 columns, so the kernels' vectorized tanh and logistic
      // run on full packets, not only on short tails.
      RecurrentCase("LSTM_32_units", "LSTM", RecurrentAttrs("tanh", "sigmoid", false, false), false,
                    32),
      RecurrentCase("LSTMGrad_32_units_no_mask", "LSTMGrad",
                    RecurrentAttrs("tanh", "sigmoid", false, false), true, 32),
      RecurrentCase("SimpleRNNGrad_32_units_no_mask", "SimpleRNNGrad",
                    RecurrentAttrs("tanh", "sigmoid", false, false), true, 32),
      RecurrentCase("SimpleRNN_backwards_32_units_no_mask", "SimpleRNN",
                    RecurrentAttrs("tanh", "sigmoid", true, false), true, 32),
  };
}

std::vector<OpCase> MakeCases() {
  auto add = [](double a, double b) { return a + b; };
  auto sub = [](double a, double b) { return a - b; };
  auto mul = [](double a, double b) { return a * b; };
  auto div = [](double a, double b) { return a / b; };
  auto mx = [](double a, double b) { return std::max(a, b); };
  auto mn = [](double a, double b) { return std::min(a, b); };
  auto tensor = Tensor::FromVector<float>({1.5f, -2.f, 3.f, 0.25f}, {2, 2});
  std::vector<OpCase> c = {
      {.name = "Add_same", .op = "Add", .shapes = "[2,3];[2,3]", .ref = RefBinary(add)},
      {.name = "Add_row", .op = "Add", .shapes = "[4,3];[3]", .ref = RefBinary(add)},
      {.name = "Add_both_broadcast", .op = "Add", .shapes = "[4,1,3];[2,1]", .ref = RefBinary(add)},
      {.name = "Add_scalar", .op = "Add", .shapes = "[];[2,2]", .ref = RefBinary(add)},
      {.name = "Add_int32",
       .op = "Add",
       .shapes = "[2,3];[3]",
       .ref = RefBinary(add),
       .dtypes = {kInt32, kInt32},
       .runs = {kFloat32},
       .lo = -5,
       .hi = 5},
      {.name = "Sub_column", .op = "Sub", .shapes = "[3,1];[3,4]", .ref = RefBinary(sub)},
      {.name = "Mul_row", .op = "Mul", .shapes = "[2,3];[1,3]", .ref = RefBinary(mul)},
      {.name = "Div_broadcast",
       .op = "Div",
       .shapes = "[2,3];[3]",
       .ref = RefBinary(div),
       .lo = 0.5},
      // Bases kept positive: the gradient with respect to the exponent is log(a).
      {.name = "Pow",
       .op = "Pow",
       .shapes = "[3,4];[4]",
       .ref = RefBinary([](double a, double b) { return std::pow(a, b); }),
       .lo = 0.2},
      {.name = "Pow_scalar_exponent",
       .op = "Pow",
       .shapes = "[2,3];[]",
       .ref = RefBinary([](double a, double b) { return std::pow(a, b); }),
       .lo = 0.5,
       .hi = 3},
      {.name = "Maximum", .op = "Maximum", .shapes = "[3,4];[4]", .ref = RefBinary(mx)},
      {.name = "Minimum", .op = "Minimum", .shapes = "[3,4];[3,1]", .ref = RefBinary(mn)},
      {.name = "Equal_int32",
       .op = "Equal",
       .shapes = "[3,4];[4]",
       .ref = RefBinary([](double a, double b) { return a == b; }, kBool),
       .dtypes = {kInt32, kInt32},
       .runs = {kFloat32},
       .lo = 0,
       .hi = 3},
      {.name = "GreaterEqual",
       .op = "GreaterEqual",
       .shapes = "[3,4];[4]",
       .ref = RefBinary([](double a, double b) { return a >= b; }, kBool)},
      {.name = "Neg", .op = "Neg", .shapes = "[2,3]", .ref = RefUnary([](double x) { return -x; })},
      // Inputs kept away from 0, where |x| has a kink that finite differences straddle.
      {.name = "Abs",
       .op = "Abs",
       .shapes = "[2,3]",
       .ref = RefUnary([](double x) { return std::abs(x); }),
       .prepare = AwayFromZero},
      {.name = "Sign",
       .op = "Sign",
       .shapes = "[2,5]",
       .ref = RefUnary([](double x) { return double((x > 0) - (x < 0)); }),
       .prepare = WithZeros},
      {.name = "CopyToDevice",
       .op = "CopyToDevice",
       .shapes = "[2,3]",
       .ref = RefUnary([](double x) { return x; })},
      {.name = "CopyToHost", .op = "CopyToHost", .shapes = "[2,3]", .ref = RefUnary([](double x) {
                                                                      return x;
                                                                    })},
      {.name = "Square", .op = "Square", .shapes = "[2,3]", .ref = RefUnary([](double x) {
                                                              return x * x;
                                                            })},
      {.name = "Sqrt",
       .op = "Sqrt",
       .shapes = "[2,3]",
       .ref = RefUnary([](double x) { return std::sqrt(x); }),
       .lo = 0.5,
       .hi = 3},
      {.name = "Erf", .op = "Erf", .shapes = "[2,3]", .ref = RefUnary([](double x) {
                                                        return std::erf(x);
                                                      })},
      {.name = "Exp", .op = "Exp", .shapes = "[2,3]", .ref = RefUnary([](double x) {
                                                        return std::exp(x);
                                                      })},
      {.name = "Log",
       .op = "Log",
       .shapes = "[2,3]",
       .ref = RefUnary([](double x) { return std::log(x); }),
       .lo = 0.5,
       .hi = 3},
      {.name = "Relu", .op = "Relu", .shapes = "[3,4]", .ref = RefUnary([](double x) {
                                                          return x > 0 ? x : 0;
                                                        })},
      {.name = "Sigmoid", .op = "Sigmoid", .shapes = "[3,4]", .ref = RefUnary([](double x) {
                                                                return 1 / (1 + std::exp(-x));
                                                              })},
      {.name = "Tanh", .op = "Tanh", .shapes = "[3,4]", .ref = RefUnary([](double x) {
                                                          return std::tanh(x);
                                                        })},
      {.name = "ReluGrad",
       .op = "ReluGrad",
       .shapes = "[3,4];[3,4]",
       .ref = RefBinary([](double y, double g) { return y > 0 ? g : 0; }),
       .no_grad = {0}},
      {.name = "SigmoidGrad",
       .op = "SigmoidGrad",
       .shapes = "[3,4];[3,4]",
       .ref = RefBinary([](double y, double g) { return g * y * (1 - y); }),
       .prepare = SquashInput0},
      {.name = "TanhGrad",
       .op = "TanhGrad",
       .shapes = "[3,4];[3,4]",
       .ref = RefBinary([](double y, double g) { return g * (1 - y * y); })},
      {.name = "ClipByValue",
       .op = "ClipByValue",
       .shapes = "[4,5]",
       .attrs = {{"min", -0.5}, {"max", 0.5}},
       .ref = RefClip()},
      {.name = "Cast_float",
       .op = "Cast",
       .shapes = "[2,3]",
       .attrs = {{"dtype", kFloat64}},
       .ref = RefCast()},
      {.name = "Cast_int_to_float",
       .op = "Cast",
       .shapes = "[2,3]",
       .attrs = {{"dtype", kFloat32}},
       .ref = RefCast(),
       .dtypes = {kInt32},
       .runs = {kFloat32},
       .lo = -5,
       .hi = 5},
      {.name = "Cast_float_to_uint8",
       .op = "Cast",
       .shapes = "[2,3]",
       .attrs = {{"dtype", kUInt8}},
       .ref = RefCast(),
       .dtypes = {kFloat32},
       .runs = {kFloat32},
       .lo = 0,
       .hi = 200},
      {.name = "Softmax", .op = "Softmax", .shapes = "[3,5]", .ref = RefSoftmax(false)},
      {.name = "Softmax_axis0",
       .op = "Softmax",
       .shapes = "[4,3]",
       .attrs = {{"axis", int64_t{0}}},
       .ref = RefSoftmax(false)},
      {.name = "LogSoftmax", .op = "LogSoftmax", .shapes = "[3,5]", .ref = RefSoftmax(true)},
      {.name = "Reshape",
       .op = "Reshape",
       .shapes = "[2,6]",
       .attrs = {{"shape", V{3, -1}}},
       .ref = RefReshape()},
      {.name = "ReshapeLike",
       .op = "ReshapeLike",
       .shapes = "[2,6];[4,3]",
       .ref = RefReshape(),
       .no_grad = {1}},
      {.name = "Transpose",
       .op = "Transpose",
       .shapes = "[2,3,4]",
       .attrs = {{"perm", V{2, 0, 1}}},
       .ref = RefTranspose()},
      {.name = "Concat_axis1_of3",
       .op = "Concat",
       .shapes = "[2,3,2];[2,1,2];[2,2,2]",
       .attrs = {{"axis", int64_t{1}}},
       .ref = RefConcat()},
      {.name = "Concat_last", .op = "Concat", .shapes = "[2,3];[2,4]", .ref = RefConcat()},
      {.name = "Concat_first_one_input",
       .op = "Concat",
       .shapes = "[3,2]",
       .attrs = {{"axis", int64_t{0}}},
       .ref = RefConcat()},
      {.name = "Concat_int32",
       .op = "Concat",
       .shapes = "[2,2];[2,1]",
       .ref = RefConcat(),
       .dtypes = {kInt32, kInt32},
       .runs = {kFloat32},
       .lo = -9,
       .hi = 9},
      {.name = "Slice_middle",
       .op = "Slice",
       .shapes = "[2,5,3]",
       .attrs = {{"axis", int64_t{1}}, {"begin", int64_t{1}}, {"size", int64_t{3}}},
       .ref = RefSlice()},
      {.name = "Slice_last_negative_axis",
       .op = "Slice",
       .shapes = "[3,4]",
       .attrs = {{"axis", int64_t{-1}}, {"begin", int64_t{2}}, {"size", int64_t{2}}},
       .ref = RefSlice()},
      {.name = "SliceGrad_middle",
       .op = "SliceGrad",
       .shapes = "[2,3,3];[2,5,3]",
       .attrs = {{"axis", int64_t{1}}, {"begin", int64_t{1}}},
       .ref = RefSliceGrad(),
       .no_grad = {1}},
      {.name = "SliceGrad_first",
       .op = "SliceGrad",
       .shapes = "[1,4];[3,4]",
       .attrs = {{"axis", int64_t{0}}, {"begin", int64_t{2}}},
       .ref = RefSliceGrad(),
       .no_grad = {1}},
      {.name = "ReduceSum_axis1",
       .op = "ReduceSum",
       .shapes = "[3,4]",
       .attrs = {{"axes", V{1}}},
       .ref = RefReduce('s')},
      {.name = "ReduceSum_outer_keep",
       .op = "ReduceSum",
       .shapes = "[2,3,4]",
       .attrs = {{"axes", V{0, 2}}, {"keep_dims", true}},
       .ref = RefReduce('s')},
      {.name = "ReduceSum_all", .op = "ReduceSum", .shapes = "[3,4]", .ref = RefReduce('s')},
      {.name = "ReduceSum_int64",
       .op = "ReduceSum",
       .shapes = "[3,4]",
       .attrs = {{"axes", V{0}}},
       .ref = RefReduce('s'),
       .dtypes = {kInt64},
       .runs = {kFloat32},
       .lo = -9,
       .hi = 9},
      {.name = "ReduceMean_axis0",
       .op = "ReduceMean",
       .shapes = "[5,3]",
       .attrs = {{"axes", V{0}}},
       .ref = RefReduce('m')},
      {.name = "ReduceMean_all", .op = "ReduceMean", .shapes = "[2,3,2]", .ref = RefReduce('m')},
      {.name = "ReduceMax_axis1",
       .op = "ReduceMax",
       .shapes = "[3,4]",
       .attrs = {{"axes", V{-1}}},
       .ref = RefReduce('x')},
      {.name = "ReduceMax_middle_keep",
       .op = "ReduceMax",
       .shapes = "[2,3,4]",
       .attrs = {{"axes", V{1}}, {"keep_dims", true}},
       .ref = RefReduce('x')},
      {.name = "ArgMax_last", .op = "ArgMax", .shapes = "[3,5]", .ref = RefArgMax()},
      {.name = "ArgMax_axis0",
       .op = "ArgMax",
       .shapes = "[4,3]",
       .attrs = {{"axis", int64_t{0}}},
       .ref = RefArgMax()},
      {.name = "OneHot",
       .op = "OneHot",
       .shapes = "[6]",
       .attrs = {{"depth", int64_t{4}}},
       .ref = RefOneHot(),
       .dtypes = {kInt32},
       .runs = {kFloat32},
       .lo = -1,
       .hi = 5},
      {.name = "OneHot_int64_2d",
       .op = "OneHot",
       .shapes = "[2,3]",
       .attrs = {{"depth", int64_t{3}}, {"dtype", kFloat64}},
       .ref = RefOneHot(),
       .dtypes = {kInt64},
       .runs = {kFloat32},
       .lo = 0,
       .hi = 3},
      // Indices with repeats (0, 2 and 4 twice), so the gradient must add rows up.
      {.name = "Gather",
       .op = "Gather",
       .shapes = "[5,3];[2,4]",
       .ref = RefGather(),
       .dtypes = {std::nullopt, kInt32},
       .no_grad = {1},
       .prepare =
           [](std::vector<Tensor>& v) {
             v[1] = Tensor::FromVector<int32_t>({0, 4, 2, 2, 1, 4, 0, 3}, {2, 4});
           }},
      {.name = "Gather_int64_rank1",
       .op = "Gather",
       .shapes = "[4];[3]",
       .ref = RefGather(),
       .dtypes = {std::nullopt, kInt64},
       .no_grad = {1},
       .prepare =
           [](std::vector<Tensor>& v) {
             v[1] = Tensor::FromVector<int64_t>({3, 3, 0}, {3});
           }},
      {.name = "GatherGrad",
       .op = "GatherGrad",
       .shapes = "[2,4,3];[2,4];[5,3]",
       .ref = RefGatherGrad(),
       .dtypes = {std::nullopt, kInt32},
       .no_grad = {1, 2},
       .prepare =
           [](std::vector<Tensor>& v) {
             v[1] = Tensor::FromVector<int32_t>({0, 4, 2, 2, 1, 4, 0, 3}, {2, 4});
           }},
      {.name = "MatMul", .op = "MatMul", .shapes = "[2,3];[3,4]", .ref = RefMatMul()},
      {.name = "MatMul_ta",
       .op = "MatMul",
       .shapes = "[3,2];[3,4]",
       .attrs = {{"transpose_a", true}},
       .ref = RefMatMul()},
      {.name = "MatMul_tb",
       .op = "MatMul",
       .shapes = "[2,3];[4,3]",
       .attrs = {{"transpose_b", true}},
       .ref = RefMatMul()},
      {.name = "MatMul_ta_tb",
       .op = "MatMul",
       .shapes = "[3,2];[4,3]",
       .attrs = {{"transpose_a", true}, {"transpose_b", true}},
       .ref = RefMatMul()},
      {.name = "MatMul_large",
       .op = "MatMul",
       .shapes = "[33,70];[70,17]",
       .ref = RefMatMul(),
       .lo = -1,
       .hi = 1},
      // Products above gemm.h's threshold, split into blocks over the thread pool (op_test runs
      // with KILN_NUM_THREADS=4): by C's rows, then by its columns. The small rows above check
      // the gradients.
      {.name = "MatMul_threaded_rows",
       .op = "MatMul",
       .shapes = "[300,120];[120,70]",
       .ref = RefMatMul(),
       .no_grad = {0, 1}},
      {.name = "MatMul_threaded_columns_ta_tb",
       .op = "MatMul",
       .shapes = "[130,50];[333,130]",
       .attrs = {{"transpose_a", true}, {"transpose_b", true}},
       .ref = RefMatMul(),
       .no_grad = {0, 1}},
      {.name = "MatMul_threaded_ta",
       .op = "MatMul",
       .shapes = "[90,260];[90,100]",
       .attrs = {{"transpose_a", true}},
       .ref = RefMatMul(),
       .no_grad = {0, 1}},
      {.name = "MatMul_threaded_tb",
       .op = "MatMul",
       .shapes = "[100,90];[250,90]",
       .attrs = {{"transpose_b", true}},
       .ref = RefMatMul(),
       .no_grad = {0, 1}},
      {.name = "BiasAdd", .op = "BiasAdd", .shapes = "[4,3];[3]", .ref = RefBiasAdd()},
      {.name = "SoftmaxCrossEntropy",
       .op = "SoftmaxCrossEntropy",
       .shapes = "[4,5];[4,5]",
       .ref = RefSoftmaxCrossEntropy(),
       .lo = -3,
       .hi = 3,
       .prepare = NormalizeLabels},
      {.name = "SigmoidCrossEntropy",
       .op = "SigmoidCrossEntropy",
       .shapes = "[3,4];[3,4]",
       .ref = RefBinary([](double x, double z) {
         return std::max(x, 0.0) - x * z + std::log1p(std::exp(-std::abs(x)));
       })},
      {.name = "BroadcastToShapeOf_row",
       .op = "BroadcastToShapeOf",
       .shapes = "[3];[2,3]",
       .ref = RefBroadcastToShapeOf(),
       .no_grad = {1}},
      {.name = "BroadcastToShapeOf_axes_mean",
       .op = "BroadcastToShapeOf",
       .shapes = "[2];[2,3]",
       .attrs = {{"axes", V{1}}, {"mean", true}},
       .ref = RefBroadcastToShapeOf(),
       .no_grad = {1}},
      {.name = "SumToShapeOf_row",
       .op = "SumToShapeOf",
       .shapes = "[2,3];[3]",
       .ref = RefSumToShapeOf(),
       .no_grad = {1}},
      {.name = "SumToShapeOf_axes",
       .op = "SumToShapeOf",
       .shapes = "[2,3];[2]",
       .attrs = {{"axes", V{1}}},
       .ref = RefSumToShapeOf(),
       .no_grad = {1}},
      {.name = "SumToShapeOf_keep_mean",
       .op = "SumToShapeOf",
       .shapes = "[4,3];[1,3]",
       .attrs = {{"mean", true}},
       .ref = RefSumToShapeOf(),
       .no_grad = {1}},
      {.name = "OnesLike", .op = "OnesLike", .shapes = "[2,3]", .ref = RefOnesLike()},
      {.name = "Placeholder", .op = "Placeholder", .shapes = "[2,3]", .ref = RefIdentity()},
      {.name = "Variable", .op = "Variable", .shapes = "[2,3]", .ref = RefIdentity()},
      {.name = "Const",
       .op = "Const",
       .shapes = "",
       .attrs = {{"value", tensor}},
       .ref = RefIdentity(),
       .runs = {kFloat32}},
      {.name = "ApplyGradientDescent",
       .op = "ApplyGradientDescent",
       .shapes = "[3,2];[];[3,2]",
       .ref = RefApplyGradientDescent()},
      {.name = "ApplyMomentum",
       .op = "ApplyMomentum",
       .shapes = "[3,2];[3,2];[];[3,2];[]",
       .ref = RefApplyMomentum()},
      {.name = "ApplyMomentum_nesterov",
       .op = "ApplyMomentum",
       .shapes = "[3,2];[3,2];[];[3,2];[]",
       .attrs = {{"use_nesterov", true}},
       .ref = RefApplyMomentum()},
      {.name = "Dropout",
       .op = "Dropout",
       .shapes = "[];[6,5]",
       .attrs = {{"rate", 0.4}},
       .ref = RefDropout(),
       .dtypes = {kInt64},
       .compare_outputs = true},
      {.name = "RandomNormalLike",
       .op = "RandomNormalLike",
       .shapes = "[];[6,5]",
       .attrs = {{"mean", 1.0}, {"stddev", 0.5}},
       .ref = RefRandomNormalLike(),
       .dtypes = {kInt64},
       .compare_outputs = true},
      {.name = "Dropout_noise_shape",
       .op = "Dropout",
       .shapes = "[];[4,3,5]",
       .attrs = {{"rate", 0.5}, {"noise_shape", std::vector<int64_t>{-1, 1, 5}}},
       .ref = RefDropout(),
       .dtypes = {kInt64},
       .compare_outputs = true},
      {.name = "FusedMatMul_relu",
       .op = "FusedMatMul",
       .shapes = "[4,3];[3,5];[5]",
       .attrs = {{"activation", std::string("relu")}},
       .ref = RefFusedMatMul()},
      {.name = "FusedMatMul_sigmoid",
       .op = "FusedMatMul",
       .shapes = "[4,3];[3,5];[5]",
       .attrs = {{"activation", std::string("sigmoid")}},
       .ref = RefFusedMatMul()},
      {.name = "FusedMatMul_tanh",
       .op = "FusedMatMul",
       .shapes = "[4,3];[3,5];[5]",
       .attrs = {{"activation", std::string("tanh")}},
       .ref = RefFusedMatMul()},
      {.name = "FusedMatMul_linear",
       .op = "FusedMatMul",
       .shapes = "[4,3];[3,5];[5]",
       .ref = RefFusedMatMul()},
      {.name = "FusedActivationBiasGrad_relu",
       .op = "FusedActivationBiasGrad",
       .shapes = "[4,5];[4,5]",
       .attrs = {{"activation", std::string("relu")}},
       .ref = RefFusedActivationBiasGrad()},
      {.name = "FusedActivationBiasGrad_sigmoid",
       .op = "FusedActivationBiasGrad",
       .shapes = "[4,5];[4,5]",
       .attrs = {{"activation", std::string("sigmoid")}},
       .ref = RefFusedActivationBiasGrad()},
      {.name = "FusedActivationBiasGrad_tanh",
       .op = "FusedActivationBiasGrad",
       .shapes = "[4,5];[4,5]",
       .attrs = {{"activation", std::string("tanh")}},
       .ref = RefFusedActivationBiasGrad()},
      {.name = "Conv2D_valid", .op = "Conv2D", .shapes = "[2,5,5,3];[3,3,3,4]", .ref = RefConv2D()},
      {.name = "Conv2D_same_strided",
       .op = "Conv2D",
       .shapes = "[1,6,5,2];[3,2,2,3]",
       .attrs = {{"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefConv2D()},
      {.name = "Conv2DBackpropInput",
       .op = "Conv2DBackpropInput",
       .shapes = "[2,3,3,4];[3,3,3,4];[2,5,6,3]",
       .attrs = {{"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefConv2DBackpropInput()},
      {.name = "Conv2DTranspose_same",
       .op = "Conv2DTranspose",
       .shapes = "[2,3,3,4];[3,3,3,4]",
       .attrs = {{"strides", V{2, 2}}, {"padding", std::string("same")}, {"output_size", V{5, 6}}},
       .ref = RefConv2DTranspose()},
      {.name = "Conv2DTranspose_valid_dilated",
       .op = "Conv2DTranspose",
       .shapes = "[1,3,2,2];[2,2,3,2]",
       .attrs = {{"dilations", V{2, 2}}, {"strides", V{1, 2}}, {"output_size", V{5, 5}}},
       .ref = RefConv2DTranspose()},
      {.name = "Conv2DBackpropFilter",
       .op = "Conv2DBackpropFilter",
       .shapes = "[2,5,5,3];[2,3,3,4];[3,3,3,4]",
       .ref = RefConv2DBackpropFilter()},
      {.name = "Conv2D_dilated",
       .op = "Conv2D",
       .shapes = "[2,7,6,2];[3,2,2,3]",
       .attrs = {{"dilations", V{2, 3}}, {"padding", std::string("same")}},
       .ref = RefConv2D()},
      {.name = "Conv2DBackpropInput_dilated",
       .op = "Conv2DBackpropInput",
       .shapes = "[1,3,2,2];[2,2,3,2];[1,5,5,3]",
       .attrs = {{"dilations", V{2, 2}}, {"strides", V{1, 2}}},
       .ref = RefConv2DBackpropInput()},
      {.name = "Conv2DBackpropFilter_dilated",
       .op = "Conv2DBackpropFilter",
       .shapes = "[2,6,6,2];[2,6,6,3];[3,3,2,3]",
       .attrs = {{"dilations", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefConv2DBackpropFilter()},
      {.name = "DepthwiseConv2D_same_strided",
       .op = "DepthwiseConv2D",
       .shapes = "[2,5,6,3];[3,3,3,1]",
       .attrs = {{"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefDepthwiseConv2D()},
      {.name = "DepthwiseConv2D_multiplier_dilated",
       .op = "DepthwiseConv2D",
       .shapes = "[1,7,7,2];[3,2,2,3]",
       .attrs = {{"dilations", V{2, 2}}},
       .ref = RefDepthwiseConv2D()},
      {.name = "DepthwiseConv2DBackpropInput",
       .op = "DepthwiseConv2DBackpropInput",
       .shapes = "[2,3,3,4];[3,3,2,2];[2,5,6,2]",
       .attrs = {{"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefDepthwiseConv2DBackpropInput()},
      {.name = "DepthwiseConv2DBackpropFilter",
       .op = "DepthwiseConv2DBackpropFilter",
       .shapes = "[2,5,5,3];[2,3,3,6];[3,3,3,2]",
       .ref = RefDepthwiseConv2DBackpropFilter()},
      {.name = "Pad_image",
       .op = "Pad",
       .shapes = "[2,3,4,2]",
       .attrs = {{"paddings", V{0, 0, 1, 1, 0, 2, 0, 0}}},
       .ref = RefPad()},
      {.name = "Pad_every_axis",
       .op = "Pad",
       .shapes = "[2,3]",
       .attrs = {{"paddings", V{1, 0, 2, 1}}},
       .ref = RefPad()},
      {.name = "MaxPool2D_valid",
       .op = "MaxPool2D",
       .shapes = "[2,4,5,3]",
       .attrs = {{"strides", V{2, 2}}},
       .ref = RefMaxPool2D()},
      {.name = "MaxPool2D_same",
       .op = "MaxPool2D",
       .shapes = "[1,5,5,2]",
       .attrs = {{"pool_size", V{3, 3}}, {"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefMaxPool2D()},
      {.name = "MaxPool2DGrad",
       .op = "MaxPool2DGrad",
       .shapes = "[2,4,4,3];[2,2,2,3]",
       .attrs = {{"strides", V{2, 2}}},
       .ref = RefMaxPool2DGrad()},
      // Batches big enough for im2col, col2im, the GEMMs and pooling to split over the pool.
      {.name = "Conv2D_threaded",
       .op = "Conv2D",
       .shapes = "[96,10,10,8];[3,3,8,16]",
       .attrs = {{"padding", std::string("same")}},
       .ref = RefConv2D(),
       .no_grad = {0, 1}},
      {.name = "Conv2DBackpropInput_threaded",
       .op = "Conv2DBackpropInput",
       .shapes = "[96,5,5,16];[3,3,8,16];[96,10,10,8]",
       .attrs = {{"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefConv2DBackpropInput(),
       .no_grad = {0, 1, 2}},
      {.name = "Conv2DBackpropFilter_threaded",
       .op = "Conv2DBackpropFilter",
       .shapes = "[96,10,10,8];[96,8,8,16];[3,3,8,16]",
       .ref = RefConv2DBackpropFilter(),
       .no_grad = {0, 1, 2}},
      {.name = "MaxPool2D_threaded",
       .op = "MaxPool2D",
       .shapes = "[128,16,16,8]",
       .attrs = {{"pool_size", V{3, 3}}, {"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefMaxPool2D(),
       .no_grad = {0}},
      {.name = "MaxPool2DGrad_threaded",
       .op = "MaxPool2DGrad",
       .shapes = "[128,16,16,8];[128,8,8,8]",
       .attrs = {{"strides", V{2, 2}}},
       .ref = RefMaxPool2DGrad(),
       .no_grad = {0, 1}},
      {.name = "AvgPool2D_valid",
       .op = "AvgPool2D",
       .shapes = "[2,4,5,3]",
       .attrs = {{"strides", V{2, 2}}},
       .ref = RefAvgPool2D()},
      {.name = "AvgPool2D_same",
       .op = "AvgPool2D",
       .shapes = "[1,5,6,2]",
       .attrs = {{"pool_size", V{3, 3}}, {"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefAvgPool2D()},
      {.name = "AvgPool2DGrad_same",
       .op = "AvgPool2DGrad",
       .shapes = "[1,3,3,2];[1,5,6,2]",
       .attrs = {{"pool_size", V{3, 3}}, {"strides", V{2, 2}}, {"padding", std::string("same")}},
       .ref = RefAvgPool2DGrad(),
       .no_grad = {1}},
      {.name = "AssignMovingAverage",
       .op = "AssignMovingAverage",
       .shapes = "[3];[3]",
       .attrs = {{"momentum", 0.9}},
       .ref = RefAssignMovingAverage()},
      {.name = "ApplyRMSProp",
       .op = "ApplyRMSProp",
       .shapes = "[3,2];[3,2];[];[3,2]",
       .ref = RefApplyRMSProp(),
       .lo = 0.1},
      // Small mean squares, where sqrt(a + epsilon) and sqrt(a) + epsilon part ways.
      {.name = "ApplyRMSProp_keras3",
       .op = "ApplyRMSProp",
       .shapes = "[3,2];[3,2];[];[3,2]",
       .attrs = {{"rules", std::string("keras3")}, {"epsilon", 1e-3}},
       .ref = RefApplyRMSProp(),
       .lo = 0.001,
       .hi = 0.05},
      {.name = "ApplyAdam",
       .op = "ApplyAdam",
       .shapes = "[3,2];[3,2];[3,2];[];[];[3,2]",
       .attrs = {{"beta_1", 0.8}},
       .ref = RefApplyAdam(),
       .lo = 0.1,
       // The step count is an int64: 4 steps taken, this is the fifth.
       .prepare = [](std::vector<Tensor>& v) { v[3] = Tensor::Scalar<int64_t>(4); }},
      {.name = "ApplyAdam_keras2",
       .op = "ApplyAdam",
       .shapes = "[3,2];[3,2];[3,2];[];[];[3,2]",
       .attrs = {{"rules", std::string("keras2")}},
       .ref = RefApplyAdam(),
       .lo = 0.1,
       .prepare = [](std::vector<Tensor>& v) { v[3] = Tensor::Scalar<int64_t>(0); }},
      {.name = "Assign", .op = "Assign", .shapes = "[3];[3]", .ref = RefAssign()},
      {.name = "AssignAdd", .op = "AssignAdd", .shapes = "[3];[3]", .ref = RefAssignAdd()},
      {.name = "AssignAdd_int64",
       .op = "AssignAdd",
       .shapes = "[];[]",
       .ref = RefAssignAdd(),
       .dtypes = {kInt64, kInt64},
       .runs = {kFloat32},
       .lo = -5,
       .hi = 5},
  };
  for (OpCase& r : RecurrentCases()) c.push_back(std::move(r));
  return c;
}

}  // namespace

const std::vector<OpCase>& OpCases() {
  static const std::vector<OpCase> cases = MakeCases();
  return cases;
}

}  // namespace kiln::testing

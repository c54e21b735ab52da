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
void SquashInput0(std::vector<Tensor>& in) {
  DispatchDType(in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      T* p = in[0].data<T>();
      for (int64_t i = 0; i < in[0].num_elements(); ++i) p[i] = T(1) / (T(1) + std::exp(-p[i]));
    }
  });
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
      {"Add_same", "Add", "[2,3];[2,3]", {}, RefBinary(add)},
      {"Add_row", "Add", "[4,3];[3]", {}, RefBinary(add)},
      {"Add_both_broadcast", "Add", "[4,1,3];[2,1]", {}, RefBinary(add)},
      {"Add_scalar", "Add", "[];[2,2]", {}, RefBinary(add)},
      {"Add_int32", "Add", "[2,3];[3]", {}, RefBinary(add), {kInt32, kInt32}, {kFloat32}, -5, 5},
      {"Sub_column", "Sub", "[3,1];[3,4]", {}, RefBinary(sub)},
      {"Mul_row", "Mul", "[2,3];[1,3]", {}, RefBinary(mul)},
      {"Div_broadcast", "Div", "[2,3];[3]", {}, RefBinary(div), {}, {kFloat32, kFloat64}, 0.5, 2},
      {"Maximum", "Maximum", "[3,4];[4]", {}, RefBinary(mx)},
      {"Minimum", "Minimum", "[3,4];[3,1]", {}, RefBinary(mn)},
      {"Equal_int32", "Equal", "[3,4];[4]", {}, RefBinary([](double a, double b) { return a == b; }, kBool),
       {kInt32, kInt32}, {kFloat32}, 0, 3},
      {"GreaterEqual", "GreaterEqual", "[3,4];[4]", {},
       RefBinary([](double a, double b) { return a >= b; }, kBool)},
      {"Neg", "Neg", "[2,3]", {}, RefUnary([](double x) { return -x; })},
      {"Square", "Square", "[2,3]", {}, RefUnary([](double x) { return x * x; })},
      {"Sqrt", "Sqrt", "[2,3]", {}, RefUnary([](double x) { return std::sqrt(x); }), {}, {kFloat32, kFloat64}, 0.5, 3},
      {"Exp", "Exp", "[2,3]", {}, RefUnary([](double x) { return std::exp(x); })},
      {"Log", "Log", "[2,3]", {}, RefUnary([](double x) { return std::log(x); }), {}, {kFloat32, kFloat64}, 0.5, 3},
      {"Relu", "Relu", "[3,4]", {}, RefUnary([](double x) { return x > 0 ? x : 0; })},
      {"Sigmoid", "Sigmoid", "[3,4]", {}, RefUnary([](double x) { return 1 / (1 + std::exp(-x)); })},
      {"Tanh", "Tanh", "[3,4]", {}, RefUnary([](double x) { return std::tanh(x); })},
      {"ReluGrad", "ReluGrad", "[3,4];[3,4]", {}, RefBinary([](double g, double y) { return y > 0 ? g : 0; }),
       {}, {kFloat32, kFloat64}, -2, 2, {1}},
      {"SigmoidGrad", "SigmoidGrad", "[3,4];[3,4]", {},
       RefBinary([](double y, double g) { return g * y * (1 - y); }), {}, {kFloat32, kFloat64}, -2, 2, {}, SquashInput0},
      {"TanhGrad", "TanhGrad", "[3,4];[3,4]", {},
       RefBinary([](double y, double g) { return g * (1 - y * y); })},
      {"ClipByValue", "ClipByValue", "[4,5]", {{"min", -0.5}, {"max", 0.5}}, RefClip()},
      {"Cast_float", "Cast", "[2,3]", {{"dtype", kFloat64}}, RefCast()},
      {"Cast_int_to_float", "Cast", "[2,3]", {{"dtype", kFloat32}}, RefCast(), {kInt32}, {kFloat32}, -5, 5},
      {"Cast_float_to_uint8", "Cast", "[2,3]", {{"dtype", kUInt8}}, RefCast(), {kFloat32}, {kFloat32}, 0, 200},
      {"Softmax", "Softmax", "[3,5]", {}, RefSoftmax(false)},
      {"Softmax_axis0", "Softmax", "[4,3]", {{"axis", int64_t{0}}}, RefSoftmax(false)},
      {"LogSoftmax", "LogSoftmax", "[3,5]", {}, RefSoftmax(true)},
      {"Reshape", "Reshape", "[2,6]", {{"shape", V{3, -1}}}, RefReshape()},
      {"ReshapeLike", "ReshapeLike", "[2,6];[4,3]", {}, RefReshape(), {}, {kFloat32, kFloat64}, -2, 2, {1}},
      {"Transpose", "Transpose", "[2,3,4]", {{"perm", V{2, 0, 1}}}, RefTranspose()},
      {"ReduceSum_axis1", "ReduceSum", "[3,4]", {{"axes", V{1}}}, RefReduce('s')},
      {"ReduceSum_outer_keep", "ReduceSum", "[2,3,4]", {{"axes", V{0, 2}}, {"keep_dims", true}}, RefReduce('s')},
      {"ReduceSum_all", "ReduceSum", "[3,4]", {}, RefReduce('s')},
      {"ReduceSum_int64", "ReduceSum", "[3,4]", {{"axes", V{0}}}, RefReduce('s'), {kInt64}, {kFloat32}, -9, 9},
      {"ReduceMean_axis0", "ReduceMean", "[5,3]", {{"axes", V{0}}}, RefReduce('m')},
      {"ReduceMean_all", "ReduceMean", "[2,3,2]", {}, RefReduce('m')},
      {"ReduceMax_axis1", "ReduceMax", "[3,4]", {{"axes", V{-1}}}, RefReduce('x')},
      {"ReduceMax_middle_keep", "ReduceMax", "[2,3,4]", {{"axes", V{1}}, {"keep_dims", true}}, RefReduce('x')},
      {"ArgMax_last", "ArgMax", "[3,5]", {}, RefArgMax()},
      {"ArgMax_axis0", "ArgMax", "[4,3]", {{"axis", int64_t{0}}}, RefArgMax()},
      {"OneHot", "OneHot", "[6]", {{"depth", int64_t{4}}}, RefOneHot(), {kInt32}, {kFloat32}, -1, 5},
      {"OneHot_int64_2d", "OneHot", "[2,3]", {{"depth", int64_t{3}}, {"dtype", kFloat64}}, RefOneHot(),
       {kInt64}, {kFloat32}, 0, 3},
      {"MatMul", "MatMul", "[2,3];[3,4]", {}, RefMatMul()},
      {"MatMul_ta", "MatMul", "[3,2];[3,4]", {{"transpose_a", true}}, RefMatMul()},
      {"MatMul_tb", "MatMul", "[2,3];[4,3]", {{"transpose_b", true}}, RefMatMul()},
      {"MatMul_ta_tb", "MatMul", "[3,2];[4,3]", {{"transpose_a", true}, {"transpose_b", true}}, RefMatMul()},
      {"MatMul_large", "MatMul", "[33,70];[70,17]", {}, RefMatMul(), {}, {kFloat32, kFloat64}, -1, 1},
      {"BiasAdd", "BiasAdd", "[4,3];[3]", {}, RefBiasAdd()},
      {"SoftmaxCrossEntropy", "SoftmaxCrossEntropy", "[4,5];[4,5]", {}, RefSoftmaxCrossEntropy(), {},
       {kFloat32, kFloat64}, -3, 3, {}, NormalizeLabels},
      {"SigmoidCrossEntropy", "SigmoidCrossEntropy", "[3,4];[3,4]", {},
       RefBinary([](double x, double z) { return std::max(x, 0.0) - x * z + std::log1p(std::exp(-std::abs(x))); })},
      {"BroadcastToShapeOf_row", "BroadcastToShapeOf", "[3];[2,3]", {}, RefBroadcastToShapeOf(), {},
       {kFloat32, kFloat64}, -2, 2, {1}},
      {"BroadcastToShapeOf_axes_mean", "BroadcastToShapeOf", "[2];[2,3]", {{"axes", V{1}}, {"mean", true}},
       RefBroadcastToShapeOf(), {}, {kFloat32, kFloat64}, -2, 2, {1}},
      {"SumToShapeOf_row", "SumToShapeOf", "[2,3];[3]", {}, RefSumToShapeOf(), {}, {kFloat32, kFloat64}, -2, 2, {1}},
      {"SumToShapeOf_axes", "SumToShapeOf", "[2,3];[2]", {{"axes", V{1}}}, RefSumToShapeOf(), {},
       {kFloat32, kFloat64}, -2, 2, {1}},
      {"SumToShapeOf_keep_mean", "SumToShapeOf", "[4,3];[1,3]", {{"mean", true}}, RefSumToShapeOf(), {},
       {kFloat32, kFloat64}, -2, 2, {1}},
      {"OnesLike", "OnesLike", "[2,3]", {}, RefOnesLike()},
      {"Placeholder", "Placeholder", "[2,3]", {}, RefIdentity()},
      {"Variable", "Variable", "[2,3]", {}, RefIdentity()},
      {"Const", "Const", "", {{"value", tensor}}, RefIdentity(), {}, {kFloat32}},
      {"ApplyGradientDescent", "ApplyGradientDescent", "[3,2];[];[3,2]", {}, RefApplyGradientDescent()},
      {"ApplyMomentum", "ApplyMomentum", "[3,2];[3,2];[];[3,2];[]", {}, RefApplyMomentum()},
      {"ApplyMomentum_nesterov", "ApplyMomentum", "[3,2];[3,2];[];[3,2];[]", {{"use_nesterov", true}},
       RefApplyMomentum()},
      {"Dropout", "Dropout", "[];[6,5]", {{"rate", 0.4}}, RefDropout(), {kInt64}, {kFloat32, kFloat64}, -2, 2,
       {}, nullptr, true},
      {"FusedMatMul_relu", "FusedMatMul", "[4,3];[3,5];[5]", {{"activation", std::string("relu")}}, RefFusedMatMul()},
      {"FusedMatMul_sigmoid", "FusedMatMul", "[4,3];[3,5];[5]", {{"activation", std::string("sigmoid")}}, RefFusedMatMul()},
      {"FusedMatMul_tanh", "FusedMatMul", "[4,3];[3,5];[5]", {{"activation", std::string("tanh")}}, RefFusedMatMul()},
      {"FusedMatMul_linear", "FusedMatMul", "[4,3];[3,5];[5]", {}, RefFusedMatMul()},
      {"FusedActivationBiasGrad_relu", "FusedActivationBiasGrad", "[4,5];[4,5]", {{"activation", std::string("relu")}},
       RefFusedActivationBiasGrad()},
      {"FusedActivationBiasGrad_sigmoid", "FusedActivationBiasGrad", "[4,5];[4,5]",
       {{"activation", std::string("sigmoid")}}, RefFusedActivationBiasGrad()},
      {"FusedActivationBiasGrad_tanh", "FusedActivationBiasGrad", "[4,5];[4,5]", {{"activation", std::string("tanh")}},
       RefFusedActivationBiasGrad()},
  };
  return c;
}

}  // namespace

const std::vector<OpCase>& OpCases() {
  static const std::vector<OpCase> cases = MakeCases();
  return cases;
}

}  // namespace kiln::testing

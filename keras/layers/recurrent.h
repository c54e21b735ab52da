// What Keras's recurrent layers share (SimpleRNN, LSTM, GRU: simple_rnn.h, lstm.h, gru.h): the
// options, the weights (kernel (features, gates * units), recurrent_kernel (units, gates *
// units), bias) in Keras's layouts, and the lowering to one recurrent op per call
// (ops/recurrent_common.h), whose gradient is backpropagation through time in one kernel.
//
//   KerasTensor x = Input({.shape = {20, 8}});                                   // 20 steps
//   KerasTensor seq = layers::LSTM(32, {.return_sequences = true})(x);           // (None, 20, 32)
//   KerasTensor last = layers::GRU(16)(seq);                                     // (None, 16)
//   // return_state: the outputs then the final states (LSTM: h, c), through LayerRef::CallAll.
//   LayerRef lstm = layers::LSTM(8, {.return_state = true});
//   std::vector<KerasTensor> out = lstm.CallAll({x});                         // y, h, c
//   // initial states as inputs, after the sequence: CallAll({x, h0, c0}).
//
// Masks (Masking, Embedding(mask_zero)) skip steps as Keras's do: the states keep their values
// and the output repeats the previous one (zero before the first kept step); with
// return_sequences the mask goes on to the next layer.
//
// Contract: the input is (batch, steps, features) with features known. In training, dropout
// drops input features and recurrent_dropout units of h where it enters the recurrent products,
// each with one mask per sequence for all its steps (Keras's semantics; the random draws are
// Kiln's own). stateful=True keeps the final states as the next batch's initial ones (predict,
// fit and evaluate alike, until reset_states()); it needs a fixed batch size (Input's
// batch_size), and then every batch must have that size. Activations are those
// ops/recurrent_common.h lists; others are refused with the layer named.
#pragma once

#include <optional>

#include "keras/initializers.h"
#include "keras/layers/layer.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

// One struct for the three layers; a field a layer does not have is ignored by it
// (recurrent_activation by SimpleRNN, unit_forget_bias but by LSTM, reset_after but by GRU).
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct RNNOptions {
  std::string activation = "tanh";
  std::string recurrent_activation = "sigmoid";
  bool use_bias = true;
  Initializer kernel_initializer = "glorot_uniform";
  Initializer recurrent_initializer = "orthogonal";
  Initializer bias_initializer = "zeros";
  bool unit_forget_bias = true;  // LSTM: the forget gate's bias starts at one
  nlohmann::json kernel_regularizer = nullptr, recurrent_regularizer = nullptr,
                 bias_regularizer = nullptr, activity_regularizer = nullptr;
  nlohmann::json kernel_constraint = nullptr, recurrent_constraint = nullptr,
                 bias_constraint = nullptr;
  double dropout = 0, recurrent_dropout = 0;
  std::optional<uint64_t> seed = std::nullopt;
  bool return_sequences = false, return_state = false, go_backwards = false, stateful = false;
  bool unroll = false;      // accepted as Keras's; the op never unrolls
  bool reset_after = true;  // GRU: tf.keras 2 and Keras 3's default (Keras 2's was false)
  // What Keras's Bidirectional sets on its layers: masked steps output zeros.
  bool zero_output_for_mask = false;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Recurrent : public Layer {
 public:
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  std::vector<Shape> ComputeOutputShapes(std::span<const Shape> input_shapes) const override;
  std::vector<ValueRef> Call(GraphBuilder& b, std::span<const ValueRef> inputs,
                             const CallContext& ctx) override;
  std::vector<ValueRef> ComputeMask(GraphBuilder& b, std::span<const ValueRef> inputs,
                                    std::span<const ValueRef> masks,
                                    size_t n_outputs) const override;
  nlohmann::json get_config() const override;

  int64_t units() const { return units_; }
  const RNNOptions& options() const { return o_; }
  // Bidirectional's: its backward copy runs the other way, and both zero masked outputs.
  void set_go_backwards(bool b) { o_.go_backwards = b; }
  void set_zero_output_for_mask(bool z) { o_.zero_output_for_mask = z; }
  // Bidirectional's backward layer returns its sequence in time order, not processing order.
  void set_outputs_in_time_order(bool t) { outputs_in_time_order_ = t; }
  // The number of states (LSTM: 2).
  int num_states() const { return states_count_; }
  // Keras's reset_states(): a stateful layer's carried states back to zeros.
  void reset_states();

 protected:
  // Subclasses call InitBase afterwards. `op` is the recurrent op, `gates` the kernel's blocks.
  // Throws kiln::ValueError naming the layer for bad units, rates or activations.
  Recurrent(const char* op, int gates, int states, int64_t units, RNNOptions options);
  void BuildWeights(const Shape& input_shape) override;
  // The op's attributes beyond ops/recurrent_common.h's (GRU's reset_after).
  virtual AttrMap ExtraAttrs() const { return {}; }
  // The bias's shape (GRU with reset_after: two rows) and initial value.
  virtual Shape BiasShape() const;
  virtual Tensor InitialBias() const;
  void CheckOptions() const;
  // recurrent_dropout's (batch, units) mask for this call, drawn from the generator `seed`.
  ValueRef RecurrentDropoutMask(GraphBuilder& b, ValueRef x, ValueRef seed) const;

  const char* op_;
  int gates_, states_count_;
  int64_t units_;
  RNNOptions o_;
  bool outputs_in_time_order_ = false;
};

// What the three layers' FromConfig read: every key of recurrent layer configs from tf.keras 2 and
// Keras 3; records what it refuses (time_major, activations a kernel does not run).
RNNOptions RNNOptionsFromConfig(const nlohmann::json& c, const std::string& where,
                                std::vector<std::string>& unsupported);

// The registered factory of recurrent layer L (SimpleRNN, LSTM, GRU): units and
// RNNOptionsFromConfig; nullptr with the reasons in `unsupported` when refused.
template <typename L>
std::shared_ptr<Layer> RecurrentFromConfig(const std::string& class_name, const nlohmann::json& c,
                                           std::vector<std::string>& unsupported) {
  const std::string where = class_name + " '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  RNNOptions o = RNNOptionsFromConfig(c, where, unsupported);
  const int64_t units =
      c.contains("units") && c["units"].is_number_integer() ? c["units"].get<int64_t>() : 0;
  if (units <= 0 || units > config::kMaxSize) unsupported.push_back(where + ": units");
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<L>(units, std::move(o));
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}

}  // namespace kiln::keras::layers

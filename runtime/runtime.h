// Runs a .kiln file with the engine alone: no Keras front end.
//
//   kiln::Runtime rt = kiln::Runtime::Load("model.kiln");
//   std::vector<kiln::Tensor> y = rt.Run({x});                    // the "serving" subgraph
//   if (rt.can_train()) float loss = rt.TrainStep({x, y_true})[0].item<float>();
//
// Load verifies the file (see io/kiln_graph.h) and plans the executors once. Run and TrainStep may
// be called from several threads at once (they take turns). Inputs are given in
// the subgraph's input order; float64 and uint8 inputs are converted to the placeholder's dtype.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "io/kiln_graph.h"
#include "kernels/executor.h"

namespace kiln {

class Runtime {
 public:
  static Runtime Load(const std::string& path);
  static Runtime FromGraphFile(io::GraphFile file, const std::string& what);

  std::vector<Tensor> Run(const std::vector<Tensor>& inputs);
  // Keras's predict: every input (in the serving graph's order, one array each, the same number
  // of samples) in batches of `batch_size`, every output's results stacked. Throws
  // kiln::ShapeError naming the file and the input when an array does not fit its input.
  std::vector<Tensor> PredictAll(const std::vector<Tensor>& xs, int64_t batch_size = 32);
  // The first output for a single-input graph.
  Tensor Predict(const Tensor& x, int64_t batch_size = 32) {
    return PredictAll({x}, batch_size)[0];
  }
  bool can_train() const { return train_ != nullptr; }
  // One optimizer step of the "train" subgraph; returns its outputs (loss, metrics).
  std::vector<Tensor> TrainStep(const std::vector<Tensor>& inputs);
  const io::GraphFile& file() const { return *file_; }
  VariableStore& variables() { return file_->variables; }
  // The serving subgraph's input shapes (batch dimension -1).
  std::vector<TensorType> input_types() const;
  // The serving subgraph's input names (its placeholders') and output names (the model's output
  // layers', as the exporter records them in the "serving_output_names" metadata; "output_<i>"
  // in a file without them).
  std::vector<std::string> input_names() const;
  std::vector<std::string> output_names() const;

 private:
  std::vector<Feed> Feeds(const io::SubGraphDef& sg, const std::vector<Tensor>& inputs) const;
  std::unique_ptr<io::GraphFile> file_;
  std::string what_;
  const io::SubGraphDef* serving_ = nullptr;
  const io::SubGraphDef* training_ = nullptr;
  std::unique_ptr<Executor> serve_, train_;
  // Run and TrainStep share the executors' buffers: concurrent calls take turns.
  std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
};

}  // namespace kiln

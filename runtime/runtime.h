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
  // Keras's predict for a single-input, single-output serving graph: `x` in batches of
  // `batch_size`, the results stacked. Throws kiln::ShapeError naming the file when x does not fit
  // the input.
  Tensor Predict(const Tensor& x, int64_t batch_size = 32);
  bool can_train() const { return train_ != nullptr; }
  // One optimizer step of the "train" subgraph; returns its outputs (loss, metrics).
  std::vector<Tensor> TrainStep(const std::vector<Tensor>& inputs);
  const io::GraphFile& file() const { return *file_; }
  VariableStore& variables() { return file_->variables; }
  // The serving subgraph's input shapes (batch dimension -1).
  std::vector<TensorType> input_types() const;

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

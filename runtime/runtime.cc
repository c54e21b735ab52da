#include "runtime/runtime.h"

#include <algorithm>

namespace kiln {

Runtime Runtime::Load(const std::string& path) {
  return FromGraphFile(io::ReadGraphFile(path), path);
}

Runtime Runtime::FromGraphFile(io::GraphFile file, const std::string& what) {
  Runtime rt;
  rt.what_ = what;
  rt.file_ = std::make_unique<io::GraphFile>(std::move(file));
  rt.serving_ = rt.file_->Find("serving");
  if (!rt.serving_) rt.serving_ = &rt.file_->subgraphs[0];
  rt.training_ = rt.file_->Find("train");
  rt.serve_ = std::make_unique<Executor>(rt.serving_->graph, rt.serving_->outputs,
                                         rt.serving_->targets, &rt.file_->variables);
  if (rt.training_)
    rt.train_ = std::make_unique<Executor>(rt.training_->graph, rt.training_->outputs,
                                           rt.training_->targets, &rt.file_->variables);
  return rt;
}

std::vector<TensorType> Runtime::input_types() const {
  std::vector<TensorType> out;
  for (const ValueRef& v : serving_->inputs) out.push_back(serving_->graph.type(v));
  return out;
}

std::vector<Feed> Runtime::Feeds(const io::SubGraphDef& sg,
                                 const std::vector<Tensor>& inputs) const {
  if (inputs.size() != sg.inputs.size())
    throw ValueError(what_ + ": subgraph '" + sg.name + "' takes " +
                     std::to_string(sg.inputs.size()) + " inputs, got " +
                     std::to_string(inputs.size()));
  std::vector<Feed> feeds;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const DType want = sg.graph.type(sg.inputs[i]).dtype;
    feeds.push_back({sg.inputs[i], inputs[i].dtype() == want ? inputs[i] : inputs[i].astype(want)});
  }
  return feeds;
}

std::vector<Tensor> Runtime::Run(const std::vector<Tensor>& inputs) {
  std::lock_guard lock(*mutex_);
  return serve_->Run(Feeds(*serving_, inputs));
}

Tensor Runtime::Predict(const Tensor& x, int64_t batch_size) {
  if (batch_size <= 0) throw ValueError(what_ + ": batch_size must be positive");
  const TensorType in = input_types().at(0);
  std::vector<int64_t> want = in.shape.dims();
  if (x.rank() == in.shape.rank()) want[0] = x.dim(0);
  if (x.rank() != in.shape.rank() || !x.shape().IsCompatibleWith(Shape(want)))
    throw ShapeError(what_ + ": expected input of shape " + in.shape.ToString() + ", got " +
                     x.shape().ToString());
  Tensor result;
  for (int64_t s = 0; s < x.dim(0); s += batch_size) {
    const int64_t e = std::min(x.dim(0), s + batch_size);
    const Tensor y = Run({x.Slice(s, e)})[0];
    if (!result.valid()) {
      std::vector<int64_t> dims = y.shape().dims();
      dims[0] = x.dim(0);
      result = Tensor(y.dtype(), Shape(dims));
    }
    result.Slice(s, e).CopyFrom(y);
  }
  return result;
}

std::vector<Tensor> Runtime::TrainStep(const std::vector<Tensor>& inputs) {
  if (!train_)
    throw ValueError(what_ + ": the file has no training graph (export it with --training)");
  std::lock_guard lock(*mutex_);
  return train_->Run(Feeds(*training_, inputs));
}

}  // namespace kiln

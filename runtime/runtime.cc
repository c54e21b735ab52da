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

std::vector<Tensor> Runtime::PredictAll(const std::vector<Tensor>& xs, int64_t batch_size) {
  if (batch_size <= 0) throw ValueError(what_ + ": batch_size must be positive");
  const std::vector<TensorType> types = input_types();
  const std::vector<std::string> names = input_names();
  if (xs.size() != types.size())
    throw ValueError(what_ + ": the model takes " + std::to_string(types.size()) +
                     " input(s), got " + std::to_string(xs.size()));
  for (size_t i = 0; i < xs.size(); ++i) {
    std::vector<int64_t> want = types[i].shape.dims();
    if (xs[i].rank() == types[i].shape.rank()) want[0] = xs[i].dim(0);
    if (xs[i].rank() != types[i].shape.rank() || !xs[i].shape().IsCompatibleWith(Shape(want)))
      throw ShapeError(what_ + ": expected input '" + names[i] + "' of shape " +
                       types[i].shape.ToString() + ", got " + xs[i].shape().ToString());
    if (xs[i].dim(0) != xs[0].dim(0))
      throw ShapeError(what_ + ": input '" + names[i] + "' has " + std::to_string(xs[i].dim(0)) +
                       " samples, input '" + names[0] + "' " + std::to_string(xs[0].dim(0)));
  }
  const int64_t n = xs.empty() ? 0 : xs[0].dim(0);
  std::vector<Tensor> results;
  for (int64_t s = 0; s < n; s += batch_size) {
    const int64_t e = std::min(n, s + batch_size);
    std::vector<Tensor> batch;
    for (const Tensor& x : xs) batch.push_back(x.Slice(s, e));
    const std::vector<Tensor> ys = Run(batch);
    for (size_t k = 0; k < ys.size(); ++k) {
      if (results.size() <= k) {
        std::vector<int64_t> dims = ys[k].shape().dims();
        dims[0] = n;
        results.emplace_back(ys[k].dtype(), Shape(dims));
      }
      results[k].Slice(s, e).CopyFrom(ys[k]);
    }
  }
  return results;
}

std::vector<std::string> Runtime::input_names() const {
  std::vector<std::string> out;
  for (const ValueRef& v : serving_->inputs) out.push_back(serving_->graph.node(v.node).name);
  return out;
}

std::vector<std::string> Runtime::output_names() const {
  std::vector<std::string> out;
  if (auto it = file_->metadata.find("serving_output_names"); it != file_->metadata.end()) {
    std::string names = it->second;
    for (size_t p = 0; p <= names.size();) {
      const size_t q = std::min(names.find('\n', p), names.size());
      out.push_back(names.substr(p, q - p));
      p = q + 1;
    }
  }
  if (out.size() != serving_->outputs.size()) {
    out.clear();
    for (size_t i = 0; i < serving_->outputs.size(); ++i)
      out.push_back("output_" + std::to_string(i));
  }
  return out;
}

std::vector<Tensor> Runtime::TrainStep(const std::vector<Tensor>& inputs) {
  if (!train_)
    throw ValueError(what_ + ": the file has no training graph (export it with --training)");
  std::lock_guard lock(*mutex_);
  return train_->Run(Feeds(*training_, inputs));
}

}  // namespace kiln

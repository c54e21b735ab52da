#include "runtime/runtime.h"

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
  return serve_->Run(Feeds(*serving_, inputs));
}

std::vector<Tensor> Runtime::TrainStep(const std::vector<Tensor>& inputs) {
  if (!train_)
    throw ValueError(what_ + ": the file has no training graph (export it with --training)");
  return train_->Run(Feeds(*training_, inputs));
}

}  // namespace kiln

// Placement with a second, real device: "side", a host-memory device with its own allocator (it
// counts its bytes and its copies), running the CPU kernels of a few ops. Results must equal the
// single-device run bit for bit, and the copies must sit exactly at the device boundaries.
#include "kernels/placement.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "autodiff/backward.h"
#include "graph/graph_builder.h"
#include "graph/logging.h"
#include "kernels/device.h"
#include "kernels/executor.h"

namespace kiln {
namespace {

class CountingAllocator final : public Allocator {
 public:
  std::shared_ptr<std::byte> Allocate(size_t bytes) override {
    bytes_ += bytes;
    const size_t rounded = (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
    void* p = std::aligned_alloc(kTensorAlignment, rounded ? rounded : kTensorAlignment);
    std::memset(p, 0, rounded);
    return {static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); }};
  }
  size_t bytes() const { return bytes_; }

 private:
  std::atomic<size_t> bytes_ = 0;
};

class SideDevice final : public Device {
 public:
  std::string name() const override { return "side"; }
  Allocator& allocator() override { return allocator_; }
  void CopyFromHost(const Tensor& host, Tensor& device) override {
    ++to_device_;
    device.CopyFrom(host);
  }
  void CopyToHost(const Tensor& device, Tensor& host) override {
    ++to_host_;
    host.CopyFrom(device);
  }
  CountingAllocator allocator_;
  std::atomic<int> to_device_ = 0, to_host_ = 0;
};

SideDevice& Side() {
  static SideDevice* side = [] {
    auto d = std::make_unique<SideDevice>();
    SideDevice* raw = d.get();
    RegisterDevice(std::move(d));
    // The side device runs the CPU's kernels for these ops (its memory is host memory).
    for (const char* op : {"MatMul", "BiasAdd", "Relu", "ReluGrad", "SumToShapeOf"})
      for (DType t : {kFloat32, kFloat64}) {
        KernelDef k = *KernelRegistry::Global().Find(op, "cpu", t);
        k.device = "side";
        KernelRegistry::Global().Register(k);
      }
    return raw;
  }();
  return *side;
}

// x -> MatMul(w) -> BiasAdd(b) -> Relu -> Softmax -> loss, with MatMul, BiasAdd and Relu asked
// to run on `device` (Softmax has no side kernel: it falls back to the CPU).
struct Mlp {
  Graph g;
  VariableStore vars;
  ValueRef x, w, bias, h, y, loss;
  explicit Mlp(const std::string& device) {
    GraphBuilder b(g);
    x = b.Placeholder("x", kFloat32, {kUnknownDim, 3});
    w = b.Variable("w", kFloat32, {3, 4});
    bias = b.Variable("b", kFloat32, {4});
    ValueRef mm = b.Op("MatMul", {x, w});
    ValueRef z = b.Op("BiasAdd", {mm, bias});
    h = b.Op("Relu", {z});
    for (int id : {mm.node, z.node, h.node}) g.node(id).device = device;
    y = b.Op("Softmax", {h});
    g.node(y.node).device = device;
    loss = b.Op("ReduceMean", {b.Op("Square", {y})});
    vars.Set("w", Tensor::FromVector<float>(
                      {.1f, -.2f, .3f, .4f, .5f, -.6f, .7f, .8f, -.9f, 1.f, 1.1f, -1.2f}, {3, 4}));
    vars.Set("b", Tensor::FromVector<float>({.01f, .02f, -.03f, .04f}, {4}));
  }
};

Tensor Input() { return Tensor::FromVector<float>({1, -2, 3, .5f, .25f, -1}, {2, 3}); }

int Count(const Graph& g, const std::string& op) {
  auto counts = g.OpCounts();
  return counts.count(op) ? counts.at(op) : 0;
}

TEST(Placement, CopiesSitAtTheBoundariesAndResultsAreBitwiseEqual) {
  Side();
  Mlp one("cpu"), two("side");
  std::vector<std::string> warnings;
  LogSink previous = SetLogSink([&](LogLevel, std::string_view m) { warnings.emplace_back(m); });
  Executor single(one.g, {one.y}, {}, &one.vars);
  Executor split(two.g, {two.y}, {}, &two.vars);
  SetLogSink(previous);
  // x, w and b go to the side device (3 CopyToDevice); Relu's output comes back (1 CopyToHost).
  EXPECT_EQ(single.num_copies(), 0);
  EXPECT_EQ(Count(split.graph(), "CopyToDevice"), 3);
  EXPECT_EQ(Count(split.graph(), "CopyToHost"), 1);
  EXPECT_EQ(split.num_copies(), 4);
  for (int id : split.order()) {
    const Node& n = split.graph().node(id);
    if (n.op == "CopyToDevice" || n.op == "CopyToHost") continue;  // the boundary itself
    for (const ValueRef& in : n.inputs)
      EXPECT_EQ(split.placement_info().OutputDevice(split.graph(), in.node),
                split.placement().at(id))
          << n.name << " reads " << split.graph().node(in.node).name << " across devices";
    if (n.op == "CopyToDevice") EXPECT_EQ(split.placement().at(id), "side");
    if (n.op == "CopyToHost") EXPECT_EQ(split.placement().at(id), "side");
  }
  EXPECT_EQ(split.placement().at(two.h.node), "side");
  EXPECT_EQ(split.placement().at(two.y.node), "cpu");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("no side kernel for Softmax"), std::string::npos) << warnings[0];

  const size_t before = Side().allocator_.bytes();
  const int copies_before = Side().to_device_;
  Tensor a = single.Run({{one.x, Input()}})[0];
  Tensor b = split.Run({{two.x, Input()}})[0];
  EXPECT_TRUE(a.BitwiseEquals(b)) << a.DebugString() << " vs " << b.DebugString();
  EXPECT_GT(Side().allocator_.bytes(), before);  // the side nodes' buffers are the side's
  EXPECT_EQ(Side().to_device_ - copies_before, 3);
  // Steady state: a second run allocates nothing more on the side device.
  const size_t planned = Side().allocator_.bytes();
  split.Run({{two.x, Input()}});
  EXPECT_EQ(Side().allocator_.bytes(), planned);
}

TEST(Placement, TrainingAcrossDevicesEqualsSingleDeviceTraining) {
  Side();
  auto train = [](const std::string& device) {
    Mlp m(device);
    GraphBuilder b(m.g);
    std::vector<ValueRef> grads = BuildBackward(b, m.loss, std::vector<ValueRef>{m.w, m.bias});
    // The updates write the host variables in place, so placement keeps them on the host.
    std::vector<int> updates;
    for (int i = 0; i < 2; ++i) {
      ValueRef var = i == 0 ? m.w : m.bias;
      b.OpN("ApplyGradientDescent", {var, b.Scalar(0.5, kFloat32), grads[i]});
      updates.push_back(m.g.capacity() - 1);
    }
    LogSink previous = SetLogSink([](LogLevel, std::string_view) {});
    Executor exec(m.g, {m.loss}, updates, &m.vars);
    SetLogSink(previous);
    for (int id : updates) EXPECT_EQ(exec.placement().at(id), "cpu");
    for (int step = 0; step < 3; ++step) exec.Run({{m.x, Input()}});
    return std::make_pair(m.vars.Get("w").Clone(), m.vars.Get("b").Clone());
  };
  auto [w1, b1] = train("cpu");
  auto [w2, b2] = train("side");
  EXPECT_TRUE(w1.BitwiseEquals(w2));
  EXPECT_TRUE(b1.BitwiseEquals(b2));
  EXPECT_FALSE(w1.BitwiseEquals(Mlp("cpu").vars.Get("w")));  // training did change w
}

TEST(Placement, OneCopyPerValueAndDestinationAndFetchesComeHome) {
  Side();
  Graph g;
  GraphBuilder b(g);
  ValueRef x = b.Placeholder("x", kFloat32, {2, 2});
  ValueRef r1 = b.Op("Relu", {x});
  ValueRef r2 = b.Op("MatMul", {x, x});
  g.node(r1.node).device = g.node(r2.node).device = "side";
  std::vector<int> order = {x.node, r1.node, r2.node};
  std::vector<ValueRef> fetches = {r1, r2};
  Placement p = PlaceNodes(g, order, fetches);
  // x goes over once for both readers (MatMul reads it twice); both results come back.
  EXPECT_EQ(Count(g, "CopyToDevice"), 1);
  EXPECT_EQ(Count(g, "CopyToHost"), 2);
  EXPECT_EQ(p.copies, 3);
  for (const ValueRef& f : fetches) EXPECT_EQ(g.node(f.node).op, "CopyToHost");
  EXPECT_EQ(order.size(), 6u);
}

}  // namespace
}  // namespace kiln

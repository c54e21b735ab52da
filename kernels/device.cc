#include "kernels/device.h"

#include <cstring>
#include <map>
#include <mutex>

#include "graph/error.h"
#include "kernels/kernel_registry.h"

namespace kiln {
namespace {

class CpuDevice final : public Device {
 public:
  std::string name() const override { return "cpu"; }
  Allocator& allocator() override { return DefaultAllocator(); }
  bool is_host() const override { return true; }
  void CopyFromHost(const Tensor& host, Tensor& device) override { device.CopyFrom(host); }
  void CopyToHost(const Tensor& device, Tensor& host) override { host.CopyFrom(device); }
};

// The device registry (with the kernel and op registries, the only global mutable state).
struct Devices {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Device>> by_name;
};

void RegisterCopyKernels(Device* device) {
  for (DType dtype : {kFloat32, kFloat64, kInt32, kInt64, kUInt8, kBool}) {
    KernelRegistry::Global().Register(
        {"CopyToDevice", device->name(), dtype,
         [device](KernelContext& c) { device->CopyFromHost(c.input(0), c.output(0)); }});
    KernelRegistry::Global().Register(
        {"CopyToHost", device->name(), dtype,
         [device](KernelContext& c) { device->CopyToHost(c.input(0), c.output(0)); }});
  }
}

Devices& Registry() {
  static Devices* devices = [] {
    static Devices d;
    auto cpu = std::make_unique<CpuDevice>();
    RegisterCopyKernels(cpu.get());
    d.by_name.emplace("cpu", std::move(cpu));
    return &d;
  }();
  return *devices;
}

}  // namespace

// The CPU device and its copy kernels exist before main(), like every other kernel.
static const bool kCpuRegistered = (Registry(), true);

void RegisterDevice(std::unique_ptr<Device> device) {
  Devices& d = Registry();
  std::lock_guard lock(d.mu);
  const std::string name = device->name();
  if (d.by_name.count(name)) throw Error("device '" + name + "' registered twice");
  RegisterCopyKernels(device.get());
  d.by_name.emplace(name, std::move(device));
}

Device& GetDevice(const std::string& name) {
  Devices& d = Registry();
  std::lock_guard lock(d.mu);
  auto it = d.by_name.find(name);
  if (it != d.by_name.end()) return *it->second;
  std::string available;
  for (const auto& [n, dev] : d.by_name) available += (available.empty() ? "" : ", ") + n;
  throw NotFoundError("device '" + name +
                      "' is not available in this build (available: " + available + ")");
}

bool HasDevice(const std::string& name) {
  Devices& d = Registry();
  std::lock_guard lock(d.mu);
  return d.by_name.count(name) > 0;
}

std::vector<std::string> AvailableDevices() {
  Devices& d = Registry();
  std::lock_guard lock(d.mu);
  std::vector<std::string> names;
  for (const auto& [n, dev] : d.by_name) names.push_back(n);
  return names;
}

}  // namespace kiln

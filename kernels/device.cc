#include "kernels/device.h"

#include "graph/error.h"

namespace kiln {
namespace {

class CpuDevice final : public Device {
 public:
  std::string name() const override { return "cpu"; }
  Allocator& allocator() override { return DefaultAllocator(); }
};

}  // namespace

Device& GetDevice(const std::string& name) {
  static CpuDevice cpu;
  if (name == "cpu") return cpu;
  throw NotFoundError("device '" + name + "' is not available in this build (available: cpu)");
}

std::vector<std::string> AvailableDevices() { return {"cpu"}; }

}  // namespace kiln

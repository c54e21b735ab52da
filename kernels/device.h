// Devices and their allocators. The CPU device is always present; a CUDA device registers itself
// under "cuda" when built with --config=cuda, with no change to ops/ or autodiff/.
//
//   kiln::Device& cpu = kiln::GetDevice("cpu");
//   kiln::Tensor t(kFloat32, {4}, &cpu.allocator());
#pragma once

#include <string>
#include <vector>

#include "graph/allocator.h"

namespace kiln {

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string name() const = 0;
  virtual Allocator& allocator() = 0;
};

// Throws kiln::NotFoundError for a device that is not available in this build.
Device& GetDevice(const std::string& name);
std::vector<std::string> AvailableDevices();

}  // namespace kiln

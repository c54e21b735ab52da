// Devices: where kernels run and where their buffers live. The CPU device is always present; a
// CUDA device registers itself under "cuda" when built with --config=cuda, and a test may register
// a second host-memory device. Placement (placement.h) decides which device runs each node and
// inserts CopyToDevice/CopyToHost nodes where a value crosses from the host to a device or back;
// MemoryPlan takes each node's buffers from its device's allocator.
//
//   kiln::Device& cpu = kiln::GetDevice("cpu");
//   kiln::Tensor t(kFloat32, {4}, &cpu.allocator());
//   kiln::RegisterDevice(std::make_unique<MyDevice>());   // before graphs are planned on it
//
// Contract: a device's CopyFromHost/CopyToHost copy `src.nbytes()` bytes between tensors of the
// same dtype and element count, ordered on the device's stream; Synchronize() returns when
// everything queued on the stream is done. Host memory is the CPU allocator's. Feeds, variables and
// constants live on the host; a node that writes an input in place runs where that input lives.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/allocator.h"
#include "graph/tensor.h"

namespace kiln {

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string name() const = 0;
  virtual Allocator& allocator() = 0;
  // True for the CPU: its memory is the host's, and no copy is needed to reach it.
  virtual bool is_host() const { return false; }
  // Copies host memory to a tensor allocated by allocator(), and back.
  virtual void CopyFromHost(const Tensor& host, Tensor& device) = 0;
  virtual void CopyToHost(const Tensor& device, Tensor& host) = 0;
  // The device's queue (a cudaStream_t for CUDA); nullptr for devices that run synchronously.
  virtual void* stream() { return nullptr; }
  virtual void Synchronize() {}
};

// Registers a device and its CopyToDevice/CopyToHost kernels for every dtype. Throws kiln::Error
// when a device of that name exists.
void RegisterDevice(std::unique_ptr<Device> device);
// Throws kiln::NotFoundError naming the available devices for one that is not registered.
Device& GetDevice(const std::string& name);
bool HasDevice(const std::string& name);
std::vector<std::string> AvailableDevices();

}  // namespace kiln

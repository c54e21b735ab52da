// Where tensor memory comes from. Every Tensor buffer is 64-byte aligned (one cache line, one
// AVX-512 register) and zero-filled. A Device (kernels/) hands out its Allocator; tests can install
// a counting allocator to prove a training step allocates nothing in steady state.
//
//   kiln::Tensor t(kiln::kFloat32, {32, 784}, &my_allocator);
#pragma once

#include <cstddef>
#include <memory>

namespace kiln {

inline constexpr size_t kTensorAlignment = 64;

class Allocator {
 public:
  virtual ~Allocator() = default;
  // Returns `bytes` of 64-byte aligned, zero-filled memory, released when the last owner goes.
  virtual std::shared_ptr<std::byte> Allocate(size_t bytes) = 0;
};

// The process-wide heap allocator (aligned_alloc/free). Stateless.
Allocator& DefaultAllocator();

}  // namespace kiln

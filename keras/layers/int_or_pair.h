// IntOrPair: a 2D window, stride, rate or size given as Keras takes it, one integer for both
// spatial dimensions or one per dimension (rows, columns).
//
//   layers::Conv2D(32, 3, {.strides = 2})   // kernel (3, 3), strides (2, 2)
//   layers::Conv2D(32, {3, 1})              // kernel (3, 1)
//
// Contract: an integer n and a one-element list {n} both mean (n, n); a longer list is kept as
// given, and the layer that takes it refuses anything but two values, naming itself. It is a
// std::vector<int64_t>, so a layer stores and reads it as one.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

namespace kiln::keras::layers {

struct IntOrPair : std::vector<int64_t> {
  IntOrPair() = default;
  IntOrPair(int64_t n) : std::vector<int64_t>{n, n} {}  // NOLINT: Keras's kernel_size=3
  IntOrPair(std::initializer_list<int64_t> v)           // NOLINT
      : std::vector<int64_t>(v.size() == 1 ? std::vector<int64_t>{*v.begin(), *v.begin()}
                                           : std::vector<int64_t>(v)) {}
  IntOrPair(std::vector<int64_t> v) : std::vector<int64_t>(std::move(v)) {}  // NOLINT
};

}  // namespace kiln::keras::layers

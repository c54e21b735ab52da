// Keras utilities: one-hot encoding, the global seed, and numpy-style printing of arrays.
//
//   Tensor y = utils::to_categorical(labels, 10);         // uint8/int labels -> float32 one-hot
//   utils::set_random_seed(42);                           // weights and shuffling repeat bit for
//   bit std::cout << utils::ArrayRepr(w);                     // array([[1.996118 ], ...],
//   dtype=float32)
#pragma once

#include <string>
#include <vector>

#include "graph/tensor.h"

namespace kiln::keras::utils {

// Throws kiln::ValueError when a label is negative, not an integer or >= num_classes (num_classes
// defaults to max label + 1).
Tensor to_categorical(const Tensor& y, int64_t num_classes = -1);
void set_random_seed(uint64_t seed);
// numpy's repr of an array: array([[1.5, 2. ], ...], dtype=float32).
std::string ArrayRepr(const Tensor& t);
// "[array(...), array(...)]", as Python prints a list of arrays.
std::string ArrayListRepr(const std::vector<Tensor>& ts);

}  // namespace kiln::keras::utils

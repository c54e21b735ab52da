// Fashion-MNIST, read from the IDX files that Debian's `dataset-fashion-mnist` package installs.
//
//   auto [train, test] = kiln::keras::datasets::fashion_mnist::load_data();
//   train.x: uint8 (60000, 28, 28); train.y: uint8 (60000,); test: 10000 of each.
//
// The directory is, in order: the argument, $KILN_DATA_DIR, /usr/share/datasets/fashion-mnist.
// A missing or malformed file throws kiln::IOError naming the file (and the package to install).
#pragma once

#include <string>
#include <utility>

#include "graph/tensor.h"

namespace kiln::keras::datasets {

struct Split {
  Tensor x, y;
};

namespace fashion_mnist {
inline constexpr const char* kDefaultDir = "/usr/share/datasets/fashion-mnist";
std::pair<Split, Split> load_data(const std::string& dir = "");
}  // namespace fashion_mnist

}  // namespace kiln::keras::datasets

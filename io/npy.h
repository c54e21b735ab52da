// NumPy .npy files (format versions 1.0-3.0, C order): float32, float64, int32, int64, uint8, bool.
//
//   kiln::Tensor x = kiln::npy::Load("x.npy");
//   kiln::npy::Save("y.npy", y);      // version 1.0, written to a temporary file and renamed
//
// Throws kiln::IOError naming the file for anything else (Fortran order, other dtypes, a header
// or data size that does not add up).
#pragma once

#include <string>

#include "graph/tensor.h"

namespace kiln::npy {

Tensor Load(const std::string& path);
void Save(const std::string& path, const Tensor& t);

}  // namespace kiln::npy

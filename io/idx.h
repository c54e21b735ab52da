// IDX files (the MNIST family's format), gzip'd or plain.
//
//   kiln::Tensor images = kiln::io::ReadIdx("train-images-idx3-ubyte.gz");  // uint8 (60000,28,28)
//
// Only unsigned-byte IDX (type code 0x08) of rank 1 to 4. A missing, malformed or truncated file
// throws kiln::IOError naming the file.
#pragma once

#include <string>

#include "graph/tensor.h"

namespace kiln::io {

Tensor ReadIdx(const std::string& path);

}  // namespace kiln::io

#include "keras/datasets/fashion_mnist.h"

#include <cstdlib>
#include <filesystem>

#include "io/idx.h"

namespace kiln::keras::datasets::fashion_mnist {

std::pair<Split, Split> load_data(const std::string& dir_arg) {
  std::string dir = dir_arg;
  if (dir.empty()) {
    const char* env = std::getenv("KILN_DATA_DIR");
    dir = env && *env ? env : kDefaultDir;
  }
  auto file = [&](const char* name) {
    const std::string path = dir + "/" + name;
    if (!std::filesystem::exists(path))
      throw IOError("Fashion-MNIST file not found: " + path +
                    " (install Debian's package dataset-fashion-mnist, or set KILN_DATA_DIR)");
    return io::ReadIdx(path);
  };
  Split train{file("train-images-idx3-ubyte.gz"), file("train-labels-idx1-ubyte.gz")};
  Split test{file("t10k-images-idx3-ubyte.gz"), file("t10k-labels-idx1-ubyte.gz")};
  if (train.x.dim(0) != train.y.dim(0) || test.x.dim(0) != test.y.dim(0))
    throw IOError(dir + ": image and label counts differ");
  return {train, test};
}

}  // namespace kiln::keras::datasets::fashion_mnist

// libFuzzer target for the .kiln loader: any bytes must give a verified graph or a kiln::Error,
// never a crash. Built with `bazel build --config=fuzz //tests/io/fuzz:kiln_graph_fuzzer` (clang);
// in the default build, standalone_main.cc replays the corpus as a normal test.
#include <cstdint>
#include <cstring>
#include <vector>

#include "io/kiln_graph.h"
#include "runtime/runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // FlatBuffers reads scalars in place: hand it 8-byte-aligned memory, as a file read would.
  std::vector<uint64_t> aligned((size + 7) / 8);
  if (size) std::memcpy(aligned.data(), data, size);
  try {
    kiln::io::GraphFile file = kiln::io::ParseGraphFile(
        reinterpret_cast<const uint8_t*>(aligned.data()), size, "fuzz input");
    kiln::Runtime rt = kiln::Runtime::FromGraphFile(std::move(file), "fuzz input");
    // Run small models once on zeros, so that planning and the kernels see what the loader
    // accepted.
    std::vector<kiln::Tensor> inputs;
    int64_t elements = 1;
    for (const auto& t : rt.input_types()) {
      std::vector<int64_t> dims = t.shape.dims();
      for (auto& d : dims) d = d < 0 ? 1 : d;
      for (int64_t d : dims) elements *= d;
      if (elements > (1 << 20)) return 0;
      inputs.emplace_back(t.dtype, kiln::Shape(dims));
    }
    rt.Run(inputs);
  } catch (const kiln::Error&) {
  }
  return 0;
}

// write_onnx_models OUT_DIR [NAME...]: for each test model (onnx_models.h; all without names),
// OUT_DIR/<name>.onnx from Model::export_onnx, and Kiln's predictions on fixed random inputs:
// <name>_x.npy (a batch of 3, uniform in [0, 1)) and <name>_y.npy. onnx_interop.py compares.
#include <chrono>
#include <iostream>

#include "io/npy.h"
#include "tests/keras/saving/onnx_models.h"

int main(int argc, char** argv) {
  using namespace kiln;
  if (argc < 2) {
    std::cerr << "usage: write_onnx_models OUT_DIR [NAME...]\n";
    return 2;
  }
  const std::string out = argv[1];
  const std::vector<std::string> only(argv + 2, argv + argc);
  uint32_t seed = 10;
  for (const auto& [name, build] : keras::testing::OnnxTestModels()) {
    ++seed;
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    const auto start = std::chrono::steady_clock::now();
    keras::utils::set_random_seed(seed);
    std::unique_ptr<keras::Model> model = build();
    model->Build();
    keras::testing::PerturbVectorWeights(*model, seed);
    model->export_onnx(out + "/" + name + ".onnx");
    std::vector<int64_t> dims = model->input_shape().dims();
    dims[0] = 3;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.f, 1.f);
    Tensor x(kFloat32, Shape(dims));
    for (float& v : std::span<float>(x.data<float>(), x.num_elements())) v = u(rng);
    Tensor y = model->predict(x, {.batch_size = 3});
    npy::Save(out + "/" + name + "_x.npy", x);
    npy::Save(out + "/" + name + "_y.npy", y);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "wrote " << name << ".onnx (" << model->count_params() << " parameters, " << s
              << " s)" << std::endl;
  }
}

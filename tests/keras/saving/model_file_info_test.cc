// Reading what a model file holds on hostile Keras 3 .weights.h5 files: groups that link back to
// themselves (hard and soft links) list each weight once instead of recursing for ever, and the
// same file loads into a model.
#include "keras/saving/model_file_info.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "keras/keras.h"
#include "tests/testing/crafted_files.h"

namespace kiln::keras::saving {
namespace {

using ::kiln::testing::LinkKind;

TEST(ModelFileInfo, Keras3WeightsWithLinkCyclesListEachWeightOnce) {
  for (LinkKind kind : {LinkKind::kHard, LinkKind::kSoft}) {
    const std::string path =
        (std::filesystem::path(getenv("TEST_TMPDIR")) / "cycle.weights.h5").string();
    testing::WriteKeras3WeightsWithCycle(path, kind);
    const ModelFileInfo info = ReadModelFileInfo(path);
    EXPECT_EQ(info.format, ModelFileFormat::kKeras3Weights);
    ASSERT_EQ(info.weights.size(), 2u);
    EXPECT_EQ(info.weights[0].name, "layers/dense/vars/0");
    EXPECT_EQ(info.weights[1].name, "layers/dense/vars/1");
    EXPECT_EQ(info.total_params, 8);
    keras::Sequential model({keras::layers::Dense(2, {.input_shape = {3}, .name = "dense"})});
    model.load_weights(path);
    EXPECT_EQ(model.get_weights()[1].ToVector<float>(), (std::vector<float>{10, 11}));
  }
}

}  // namespace
}  // namespace kiln::keras::saving

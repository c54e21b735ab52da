// Bidirectional's config: the wrapped layer as Keras writes it (module, class_name, config,
// registered_name; Keras 3 finds the class by its module, in a legacy .h5 file too), read back
// to the same config. (Its outputs are checked against real Keras's fixtures,
// functional-rnn-bidirectional.)
#include <gtest/gtest.h>

#include "tests/keras/layers/layer_testing.h"

namespace kiln::keras {
namespace {

TEST(Bidirectional, ConfigNamesTheWrappedLayersModule) {
  layers::Bidirectional bi(layers::LSTM(4, {.name = "lstm"}), {.merge_mode = "sum", .name = "bi"});
  const nlohmann::json c = bi.get_config();
  EXPECT_EQ(c["layer"]["module"], "keras.layers");
  EXPECT_EQ(c["layer"]["class_name"], "LSTM");
  EXPECT_TRUE(c["layer"]["registered_name"].is_null());
  EXPECT_EQ(c["layer"]["config"]["name"], "lstm");
  EXPECT_EQ(c["layer"]["config"]["units"], 4);
  EXPECT_EQ(c["merge_mode"], "sum");
  EXPECT_EQ(FromConfig("Bidirectional", c)->get_config(), c);
}

}  // namespace
}  // namespace kiln::keras

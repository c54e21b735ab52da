// Keras's LambdaCallback: a callback made of functions, any of them left empty.
//
//   auto log = std::make_shared<LambdaCallback>(LambdaCallbackOptions{
//       .on_epoch_end = [](int epoch, Logs& logs) { std::cout << epoch << " " << logs["loss"]; }});
#pragma once

#include <functional>

#include "keras/callbacks/callback.h"

namespace kiln::keras::callbacks {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct LambdaCallbackOptions {
  std::function<void(int, Logs&)> on_epoch_begin = nullptr;
  std::function<void(int, Logs&)> on_epoch_end = nullptr;
  std::function<void(int64_t, Logs&)> on_train_batch_begin = nullptr;
  std::function<void(int64_t, Logs&)> on_train_batch_end = nullptr;
  std::function<void(Logs&)> on_train_begin = nullptr;
  std::function<void(Logs&)> on_train_end = nullptr;
};

class LambdaCallback : public Callback {
 public:
  explicit LambdaCallback(LambdaCallbackOptions f) : f_(std::move(f)) {}
  void on_epoch_begin(int epoch, Logs& logs) override {
    if (f_.on_epoch_begin) f_.on_epoch_begin(epoch, logs);
  }
  void on_epoch_end(int epoch, Logs& logs) override {
    if (f_.on_epoch_end) f_.on_epoch_end(epoch, logs);
  }
  void on_train_batch_begin(int64_t batch, Logs& logs) override {
    if (f_.on_train_batch_begin) f_.on_train_batch_begin(batch, logs);
  }
  void on_train_batch_end(int64_t batch, Logs& logs) override {
    if (f_.on_train_batch_end) f_.on_train_batch_end(batch, logs);
  }
  void on_train_begin(Logs& logs) override {
    if (f_.on_train_begin) f_.on_train_begin(logs);
  }
  void on_train_end(Logs& logs) override {
    if (f_.on_train_end) f_.on_train_end(logs);
  }

 private:
  LambdaCallbackOptions f_;
};

}  // namespace kiln::keras::callbacks

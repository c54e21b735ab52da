// Optimizers, one header for users: SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam,
// Ftrl and Lion (keras/optimizers/, one per file), the learning-rate schedules, and the registry
// that finds them by Keras class name.
//
//   model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1, .momentum = 0.9}), ...});
//   model.compile({.optimizer = "adam", ...});   // by name, with Keras's defaults
//   optimizers::AdamW({.learning_rate = optimizers::schedules::CosineDecay(
//                          {.initial_learning_rate = 1e-3, .decay_steps = 1000}),
//                      .weight_decay = 0.01, .global_clipnorm = 1.0})
#pragma once

#include "keras/optimizers/adadelta.h"
#include "keras/optimizers/adagrad.h"
#include "keras/optimizers/adam.h"
#include "keras/optimizers/adamax.h"
#include "keras/optimizers/ftrl.h"
#include "keras/optimizers/lion.h"
#include "keras/optimizers/nadam.h"
#include "keras/optimizers/optimizer.h"
#include "keras/optimizers/registry.h"
#include "keras/optimizers/rmsprop.h"
#include "keras/optimizers/schedules.h"
#include "keras/optimizers/sgd.h"

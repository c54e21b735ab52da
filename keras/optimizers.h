// Optimizers, one header for users: SGD, RMSprop and Adam (keras/optimizers/), and the registry
// that finds them by Keras class name.
//
//   model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1, .momentum = 0.9}), ...});
//   model.compile({.optimizer = "adam", ...});   // by name, with Keras's defaults
#pragma once

#include "keras/optimizers/adam.h"
#include "keras/optimizers/optimizer.h"
#include "keras/optimizers/registry.h"
#include "keras/optimizers/rmsprop.h"
#include "keras/optimizers/sgd.h"

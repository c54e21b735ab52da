// Learning-rate schedules, one header for users (keras.optimizers.schedules).
//
//   auto lr = optimizers::schedules::ExponentialDecay(
//       {.initial_learning_rate = 0.1, .decay_steps = 100, .decay_rate = 0.5});
//   model.compile({.optimizer = optimizers::SGD({.learning_rate = lr}), ...});
#pragma once

#include "keras/optimizers/schedules/cosine_decay.h"
#include "keras/optimizers/schedules/cosine_decay_restarts.h"
#include "keras/optimizers/schedules/exponential_decay.h"
#include "keras/optimizers/schedules/inverse_time_decay.h"
#include "keras/optimizers/schedules/learning_rate_schedule.h"
#include "keras/optimizers/schedules/piecewise_constant_decay.h"
#include "keras/optimizers/schedules/polynomial_decay.h"

// Process-wide Keras state, as in Keras itself: the per-class counters behind layer and model
// auto-names (tf.keras style, zero-based: "dense", "dense_1", ...) and the global random seed.
//
//   kiln::keras::utils::set_random_seed(42);   // utils.h; makes weight init and shuffling repeat
//   kiln::keras::backend::clear_session();     // names start again from "dense"
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "graph/graph_builder.h"

namespace kiln::keras::backend {

// "dense" the first time for a prefix, then "dense_1", "dense_2", ...
std::string UniqueObjectName(const std::string& prefix);
// Resets the name counters (Keras's clear_session).
void clear_session();
// The generator every initializer and shuffle draws from unless given its own seed.
std::mt19937_64& GlobalGenerator();
void SetSeed(uint64_t seed);

// "Dense" -> "dense", "BatchNormalization" -> "batch_normalization".
std::string ToSnakeCase(const std::string& class_name);

// x * min(1 / sqrt(sum(x^2, axis)), 1 / 1e-7): Keras 3's ops.normalize (order 2), which the
// cosine-similarity loss and the orthogonal regularizer use.
ValueRef L2Normalize(GraphBuilder& b, ValueRef x, int64_t axis);

}  // namespace kiln::keras::backend

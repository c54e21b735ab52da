// Process-wide Keras state, as in Keras itself: the per-class counters behind layer and model
// auto-names (tf.keras style, zero-based: "dense", "dense_1", ...) and the global random seed.
//
//   kiln::keras::utils::set_random_seed(42);   // utils.h; makes weight init and shuffling repeat
//   kiln::keras::backend::clear_session();     // names start again from "dense"
#pragma once

#include <cstdint>
#include <random>
#include <string>

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

}  // namespace kiln::keras::backend

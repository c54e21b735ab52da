// CRC-32C (Castagnoli), the checksum of TFRecord framing, and TFRecord's masked form of it.
//
//   kiln::tensorboard::Crc32c("123456789") == 0xE3069283
//   kiln::tensorboard::MaskedCrc32c(bytes)   // what a TFRecord stores
//
// Debian 12 packages no C library for it (only python3-crc32c), so this is the byte-wise table
// form: TensorBoard files are small, and a few hundred MB/s is far more than they need.
#pragma once

#include <cstdint>
#include <string_view>

namespace kiln::tensorboard {

// Continues `crc` (the value of the bytes so far; 0 to start) over `data`.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

// TFRecord's mask, which keeps a CRC of data that holds CRCs from being a CRC of a CRC:
// ((crc >> 15) | (crc << 17)) + 0xa282ead8.
constexpr uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t MaskedCrc32c(std::string_view data) { return MaskCrc(Crc32c(data)); }

}  // namespace kiln::tensorboard

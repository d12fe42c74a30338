#pragma once
// PulseAudio's marker (reference §2): the last 40 bytes of a segment, starting with two
// 32-bit words, the magic and the creator's PID, little endian as PulseAudio writes them.

#include <cstddef>
#include <cstdint>

namespace shm {

constexpr size_t kMarkerSize = 40;
constexpr uint32_t kMarkerMagic = 0xbeefcafe;

inline uint32_t read_le32(const uint8_t* in) {
  return in[0] | in[1] << 8 | in[2] << 16 | static_cast<uint32_t>(in[3]) << 24;
}

inline void write_le32(uint8_t* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
}

}  // namespace shm

#pragma once
// statx timestamps as JavaScript sees them: milliseconds since the epoch, as a double.
// One conversion for every caller, so a birth time read twice compares equal bit for bit.

#include <sys/stat.h>

namespace shm {

inline double to_ms(const struct statx_timestamp& t) {
  return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_nsec) / 1e6;
}

}  // namespace shm

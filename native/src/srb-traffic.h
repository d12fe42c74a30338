#pragma once
// Real srbchannel traffic for the lab: two threads play daemon and client over a block
// of a shared file, laid out exactly as PulseAudio's srbchannel (reference §5), so the
// inspector's sampler can be checked against exact byte totals.

#include <cstdint>

namespace shm {

struct TrafficStats {
  bool running = false;
  // Ring 1 is the "read" ring (data at block + 48, count at block + 0); ring 2 the
  // "write" ring (data at block + writebuf_offset, count at block + 4).
  uint64_t ring1_written = 0;
  uint64_t ring1_read = 0;
  uint64_t ring2_written = 0;
  uint64_t ring2_read = 0;
  uint64_t errors = 0;  // bytes a reader found different from the pattern written
  double elapsed_ms = 0;
};

/**
 * Maps `fd` shared (the mapping keeps the file alive; the caller may close `fd`),
 * writes the srbchannel header at `block_offset` and starts both ends, each writing
 * `bytes_per_second` into its outgoing ring. `owner` tags the run for
 * traffic_stop_all. Returns a handle (> 0); SysError on failure, nothing started.
 */
uint32_t traffic_start(int fd, uint64_t block_offset, uint64_t block_length, uint64_t bytes_per_second,
                       const void* owner);

/** Exact totals so far; SysError EINVAL for an unknown handle. */
TrafficStats traffic_stats(uint32_t handle);

/** Stops and joins both ends, unmaps, and returns the final totals; SysError EINVAL for an unknown handle. */
TrafficStats traffic_stop(uint32_t handle);

/** Stops every run started with `owner` (an addon instance going away). */
void traffic_stop_all(const void* owner);

}  // namespace shm

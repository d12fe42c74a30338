#pragma once
// Samples srbchannel headers (reference §5) on a thread of its own, fast enough to see
// PulseAudio's traffic: a stream moves its data in bursts of about a millisecond every
// few hundred ms to 2 s, which a 10 Hz reader never sees. Each read is one 32-byte pread.
//
// A channel is read through an fd held only while the channel is live (some process
// maps or holds its pool): an open per read costs ~10 us, a pread under 1 us. The fd
// is closed as soon as every holder the scan named has exited (pidfds polled by the
// thread), when a POSIX segment is unlinked, and when the caller stops tracking it. A
// channel that is not live is read once per collect: open, read, close.

#include <cstdint>
#include <string>
#include <vector>

namespace shm {

/** One channel to sample, as the engine's scan found it. */
struct ChannelSpec {
  std::string key;
  /** A path that opens the pool: its file in the shm directory, or a /proc fd or map_files link. */
  std::string path;
  uint64_t dev = 0;
  uint64_t inode = 0;
  /** Follow a final symlink (the /proc links); never for a shm directory entry. */
  bool follow_link = false;
  uint64_t offset = 0;
  int64_t capacity = 0;
  /** PIDs of the processes that map or hold the pool (the inspector's own read-only fds left out). */
  std::vector<int32_t> holders;
};

/** What one channel did since the previous collect. */
struct ChannelInterval {
  std::string key;
  /** Whether its fd was held (fast sampling) at the end of the interval. */
  bool held = false;
  /** Header reads in the interval. */
  uint32_t reads = 0;
  /** Sum of each ring's fill increases between consecutive reads. */
  uint64_t read_bytes = 0;
  uint64_t write_bytes = 0;
  int32_t read_peak = 0;
  int32_t write_peak = 0;
  /** Reads whose semaphore words (waiting, signalled of either ring) differed from the read before. */
  uint32_t wakeups = 0;
  /** The last header read (read count, write count, 3 + 3 fdsem words); valid when has_last. */
  bool has_last = false;
  int32_t last[8] = {};
  /** errno of the last failed read or open in the interval, 0 for none; -1: not the scanned file, -2: not an srbchannel header. */
  int error = 0;
};

/** Starts a sampler thread reading every held channel each `period_us`; returns a handle (> 0). */
uint32_t sampler_open(uint32_t period_us, const void* owner);

/** Replaces the tracked channels; a channel that stays keeps its fd and its interval so far. */
void sampler_track(uint32_t handle, const std::vector<ChannelSpec>& specs);

/** Every tracked channel's interval since the last collect (channels not held are read once now). */
std::vector<ChannelInterval> sampler_collect(uint32_t handle);

/** Stops the thread and closes every fd; SysError EINVAL for an unknown handle. */
void sampler_close(uint32_t handle);

/** Closes every sampler opened with `owner` (an addon instance going away). */
void sampler_close_all(const void* owner);

}  // namespace shm

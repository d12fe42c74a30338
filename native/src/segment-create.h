#pragma once
// Creates shared memory the way PulseAudio does (for the lab), and holds mappings of
// it so that /proc/<pid>/maps shows this process as a holder.

#include <cstdint>
#include <optional>
#include <string>

namespace shm {

struct CreatedSegment {
  std::string name;
  uint64_t dev = 0;
  uint64_t inode = 0;
  uint64_t file_size = 0;
};

/**
 * Creates `dir/name` (or a fresh `pulse-shm-<u32>` when `name` is empty) with O_EXCL,
 * exactly `mode`, `data_size + 40` bytes and the marker written at `data_size`.
 * On any failure nothing is left behind and SysError is thrown.
 */
CreatedSegment create_segment(const std::string& dir, const std::optional<std::string>& name,
                              uint64_t data_size, uint32_t mode, int32_t marker_pid);

/** A memfd of `size` bytes (MFD_CLOEXEC|MFD_ALLOW_SEALING); the caller owns the fd. */
int create_memfd(const std::string& name, uint64_t size);

/** Maps `length` bytes of `fd` shared and returns a handle (> 0) for unmap_shared. */
uint32_t map_shared(int fd, uint64_t length, bool writable);

/** Unmaps a mapping made by map_shared; SysError EINVAL for an unknown handle. */
void unmap_shared(uint32_t handle);

}  // namespace shm

#pragma once
// Reads the entries of a directory (the shm directory) without mapping anything:
// statx metadata, the last 40 bytes (the PulseAudio marker) and the allocated ranges.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "marker.h"

namespace shm {

enum class EntryType : uint8_t { File, Dir, Symlink, Other };

constexpr size_t kTailSize = kMarkerSize;  // the last bytes of a file: where PulseAudio's marker is

struct ScanEntry {
  std::string name;
  EntryType type = EntryType::File;
  uint64_t dev = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  uint32_t mode = 0;  // permission bits only
  uint32_t uid = 0;
  uint32_t gid = 0;
  bool has_birth_time = false;
  double birth_time_ms = 0;
  double mtime_ms = 0;
  uint64_t allocated_bytes = 0;
  bool has_data_ranges = false;
  std::vector<uint64_t> data_ranges;  // flat [start, end, ...]
  bool has_tail = false;
  std::array<uint8_t, kTailSize> tail{};
  int error_errno = 0;  // 0: no per-entry failure
  const char* error_syscall = nullptr;
};

/** Word `index` of the tail: 0 is a marker's magic, 1 its PID (marker.h). */
inline uint32_t tail_word(const ScanEntry& entry, size_t index) { return read_le32(entry.tail.data() + 4 * index); }

/**
 * Calls `visit` for every entry of `dir` except "." and "..". The entry passed is
 * reused between calls (no allocation per entry), so copy what must outlive the call.
 * Returns the directory's own device. Throws SysError if the directory cannot be read.
 */
uint64_t scan_directory(const std::string& dir, const std::function<void(const ScanEntry&)>& visit);

/**
 * One entry read exactly as scan_directory reads it; throws SysError ENOENT if absent.
 * One difference, for a `dir` under /proc only: a symlink (/proc/<pid>/fd/<n>,
 * /proc/<pid>/map_files/<start>-<end>) is read as the file it names, deleted files and
 * memfds included, with that file's metadata, tail and ranges. scan_directory never
 * follows a symlink.
 */
ScanEntry scan_entry(const std::string& dir, const std::string& name);

}  // namespace shm

#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shm {

/**
 * Opens `path` read-only (never blocking on a FIFO, never following a final symlink
 * unless `follow_link`) only if it is the regular file (`dev`, `inode`): -1 when it is
 * another file. SysError when it cannot be opened.
 */
int open_if_same(const std::string& path, uint64_t dev, uint64_t inode, bool follow_link);

/**
 * Reads up to `length` bytes at `offset` of `path`, but only if it is still the regular
 * file (`dev`, `inode`) the caller scanned: open (never blocking on a FIFO swapped in,
 * never following a symlink unless `follow_link`, for /proc fd and map_files links),
 * fstat, pread, close, in one call. Returns false, reading nothing, when it is another
 * file; `out` holds what was read (short at end of file).
 */
bool read_if_same(const std::string& path, uint64_t dev, uint64_t inode, bool follow_link, uint64_t offset,
                  size_t length, std::vector<uint8_t>& out);

}  // namespace shm

#pragma once

#include <cstdint>
#include <string>

namespace shm {

enum class UnlinkOutcome { Removed, Missing, Changed, NotRegular };

/**
 * Unlinks `dir/name` only if it is still the regular file (`dev`, `inode`, birth time)
 * the caller judged; the check and the unlink are back to back to keep the race window
 * small. Inode numbers are reused after an unlink (ext4 does it at once), so the birth
 * time tells a new file from the old one; NaN skips that check where there is none.
 */
UnlinkOutcome unlink_if_unchanged(const std::string& dir, const std::string& name, uint64_t dev, uint64_t inode,
                                  double birth_time_ms);

}  // namespace shm

#pragma once
// The mappings of one process through the PROCMAP_QUERY ioctl on /proc/<pid>/maps
// (Linux 6.11): the kernel skips anonymous memory and gives each file mapping's device
// and inode as numbers, so only the few that can be kept have their path formatted.

#include <cstdint>
#include <vector>

#include "process-table.h"

namespace shm {

enum class MapsQuery {
  Done,
  /** The kernel has no PROCMAP_QUERY (ENOTTY, EINVAL): read the text instead, always. */
  Unsupported,
  /** This process could not be queried all the way (a path too long...): read its text instead. */
  Retry,
};

/**
 * Appends to `out` the file mappings the text of `maps_fd` would give kept lines for
 * (only the shared ones with `shared_only`, the kernel skipping the others itself):
 * those on device want_major:want_minor with an inode, and memfds (path "/memfd:...").
 * A memfd lives on an internal tmpfs or hugetlbfs, whose device major is always 0, so a
 * path is asked for only on the wanted device or a major-0 one. Paths are as the text
 * shows them (a newline escaped as \012, " (deleted)" split off).
 */
MapsQuery query_mappings(int maps_fd, unsigned want_major, unsigned want_minor, bool shared_only,
                         std::vector<Mapping>& out);

}  // namespace shm

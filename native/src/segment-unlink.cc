#include "segment-unlink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/sysmacros.h>

#include <cerrno>
#include <cmath>

#include "statx-time.h"
#include "sys-error.h"
#include "unique-fd.h"

namespace shm {

UnlinkOutcome unlink_if_unchanged(const std::string& dir, const std::string& name, uint64_t dev, uint64_t inode,
                                  double birth_time_ms) {
  UniqueFd dirfd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd.valid()) throw SysError{errno, "open", dir};
  const char* entry = name.c_str();
  struct statx st;
  if (statx(dirfd.get(), entry, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO | STATX_BTIME, &st) != 0) {
    if (errno == ENOENT) return UnlinkOutcome::Missing;
    throw SysError{errno, "statx", dir + "/" + name};
  }
  if (!S_ISREG(st.stx_mode)) return UnlinkOutcome::NotRegular;
  if (makedev(st.stx_dev_major, st.stx_dev_minor) != dev || st.stx_ino != inode) return UnlinkOutcome::Changed;
  const bool has_birth_time = (st.stx_mask & STATX_BTIME) != 0;
  if (!std::isnan(birth_time_ms) && (!has_birth_time || to_ms(st.stx_btime) != birth_time_ms)) {
    return UnlinkOutcome::Changed;
  }
  // Nothing between the check and the unlink: POSIX offers no atomic "unlink if inode".
  if (unlinkat(dirfd.get(), entry, 0) == 0) return UnlinkOutcome::Removed;
  if (errno == ENOENT) return UnlinkOutcome::Missing;
  throw SysError{errno, "unlinkat", dir + "/" + name};
}

}  // namespace shm

#include "file-read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "sys-error.h"
#include "unique-fd.h"

namespace shm {

int open_if_same(const std::string& path, uint64_t dev, uint64_t inode, bool follow_link) {
  const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow_link ? 0 : O_NOFOLLOW);
  UniqueFd fd(open(path.c_str(), flags));
  if (!fd.valid()) throw SysError{errno, "open", path};
  struct stat st;
  if (fstat(fd.get(), &st) != 0) throw SysError{errno, "fstat", path};
  if (!S_ISREG(st.st_mode) || st.st_dev != dev || st.st_ino != inode) return -1;
  return fd.release();
}

bool read_if_same(const std::string& path, uint64_t dev, uint64_t inode, bool follow_link, uint64_t offset,
                  size_t length, std::vector<uint8_t>& out) {
  UniqueFd fd(open_if_same(path, dev, inode, follow_link));
  if (!fd.valid()) return false;
  out.resize(length);
  ssize_t n = pread(fd.get(), out.data(), length, static_cast<off_t>(offset));
  if (n < 0) throw SysError{errno, "pread", path};
  out.resize(static_cast<size_t>(n));
  return true;
}

}  // namespace shm

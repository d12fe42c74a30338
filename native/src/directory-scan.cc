#include "directory-scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sys-error.h"
#include "statx-time.h"
#include "unique-fd.h"

namespace shm {

namespace {

constexpr unsigned kStatxMask = STATX_BASIC_STATS | STATX_BTIME;

EntryType type_of(uint32_t mode) {
  if (S_ISREG(mode)) return EntryType::File;
  if (S_ISDIR(mode)) return EntryType::Dir;
  if (S_ISLNK(mode)) return EntryType::Symlink;
  return EntryType::Other;
}

EntryType type_of_dirent(unsigned char d_type) {
  switch (d_type) {
    case DT_REG: return EntryType::File;
    case DT_DIR: return EntryType::Dir;
    case DT_LNK: return EntryType::Symlink;
    default: return EntryType::Other;
  }
}

/** The directory being read, and what its filesystem lets read_data_ranges assume. */
struct Directory {
  int fd;
  uint64_t tmpfs_page;  // the page size on tmpfs, where st_blocks counts exactly the pages; else 0
  bool follow_proc_links = false;  // scan_entry under /proc: read what a symlink names (see read_proc_link)
};

/** The page size if `fs` is tmpfs (shmem: /dev/shm, memfds), else 0. */
uint64_t tmpfs_page_of(const struct statfs& fs) {
  return fs.f_type == TMPFS_MAGIC ? static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

Directory describe(int fd, const std::string& path) {
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) throw SysError{errno, "fstatfs", path};
  return {fd, tmpfs_page_of(fs)};
}

void fill_metadata(const struct statx& st, ScanEntry& entry) {
  entry.type = type_of(st.stx_mode);
  // Same dev encoding as glibc's st_dev and Node's fs.stat: makedev(major, minor).
  entry.dev = makedev(st.stx_dev_major, st.stx_dev_minor);
  entry.inode = st.stx_ino;
  entry.size = st.stx_size;
  entry.mode = st.stx_mode & 07777;
  entry.uid = st.stx_uid;
  entry.gid = st.stx_gid;
  entry.has_birth_time = (st.stx_mask & STATX_BTIME) != 0;
  entry.birth_time_ms = entry.has_birth_time ? to_ms(st.stx_btime) : 0;
  entry.mtime_ms = to_ms(st.stx_mtime);
  entry.allocated_bytes = st.stx_blocks * 512;
}

void set_error(ScanEntry& entry, int err, const char* syscall) {
  entry.error_errno = err;
  entry.error_syscall = syscall;
}

void reset(ScanEntry& entry, const char* name, EntryType type) {
  entry.name.assign(name);  // keeps its capacity between entries
  entry.type = type;
  entry.dev = entry.inode = entry.size = entry.allocated_bytes = 0;
  entry.mode = entry.uid = entry.gid = 0;
  entry.has_birth_time = false;
  entry.birth_time_ms = entry.mtime_ms = 0;
  entry.has_data_ranges = false;
  entry.data_ranges.clear();
  entry.has_tail = false;
  entry.error_errno = 0;
  entry.error_syscall = nullptr;
}

/** Metadata by name, never following a symlink; false (with errno) if it fails. */
bool stat_by_name(int dirfd, const char* name, struct statx& st) {
  return statx(dirfd, name, AT_SYMLINK_NOFOLLOW, kStatxMask, &st) == 0;
}

/** Whether the tail read shows data in the file's last page (a hole reads as zeros). */
bool tail_shows_last_page(const ScanEntry& entry, uint64_t last_page) {
  for (size_t i = 0; i < kTailSize; ++i) {
    if (entry.tail[i] != 0 && entry.size - kTailSize + i >= last_page) return true;
  }
  return false;
}

/**
 * Fills the allocated ranges as flat [start, end, ...] from SEEK_DATA/SEEK_HOLE;
 * returns 0 or the errno that stopped the walk.
 *
 * Each lseek costs as much as the open itself, so on tmpfs, where st_blocks counts
 * exactly the file's pages, the walk stops as soon as the pages not yet found are
 * known: once they equal the pages from the current offset to EOF, the rest is one
 * range; once they are one page and the tail (the marker) showed data in the last
 * page, that page is the last range. A PulseAudio segment with only its marker
 * touched, or a fully written file, then needs no lseek at all. Only pages fallocated
 * past EOF (FALLOC_FL_KEEP_SIZE, which no shm user does) could fool this.
 */
int read_data_ranges(int fd, const ScanEntry& entry, uint64_t tmpfs_page, std::vector<uint64_t>& ranges) {
  const uint64_t size = entry.size;
  const uint64_t page = tmpfs_page;
  auto floor_page = [page](uint64_t offset) { return offset / page * page; };
  auto ceil_page = [page](uint64_t offset) { return (offset + page - 1) / page * page; };
  bool counting = page != 0;  // off: a plain walk (not tmpfs, or the file changed under us)
  uint64_t unfound = entry.allocated_bytes;  // bytes of pages not in a range yet
  const uint64_t last_page = counting && size > 0 ? floor_page(size - 1) : 0;
  const bool last_page_has_data = counting && entry.has_tail && tail_shows_last_page(entry, last_page);
  auto rest_is_data = [&](uint64_t from) { return counting && unfound == ceil_page(size) - floor_page(from); };

  // Past EOF there is never data, so the walk stops at `size` (no final ENXIO lseek).
  uint64_t pos = 0;
  while (pos < size) {
    if (counting && unfound == 0) return 0;
    if (rest_is_data(pos)) break;
    if (last_page_has_data && unfound == page && pos <= last_page) {
      pos = last_page;
      break;
    }
    off_t start = lseek(fd, static_cast<off_t>(pos), SEEK_DATA);
    if (start < 0) return errno == ENXIO ? 0 : errno;
    pos = static_cast<uint64_t>(start);
    if (rest_is_data(pos)) break;
    off_t end = lseek(fd, start, SEEK_HOLE);
    if (end < 0) return errno == ENXIO ? 0 : errno;  // truncated under us
    ranges.insert(ranges.end(), {pos, static_cast<uint64_t>(end)});
    if (counting) {
      const uint64_t found = ceil_page(static_cast<uint64_t>(end)) - floor_page(pos);
      counting = found <= unfound;
      unfound -= counting ? found : 0;
    }
    pos = static_cast<uint64_t>(end);
  }
  if (pos < size) ranges.insert(ranges.end(), {pos, size});
  return 0;
}

/** An open regular file, never mapped: its metadata, tail and allocated ranges. */
void read_open_file(int fd, uint64_t tmpfs_page, ScanEntry& entry) {
  struct statx st;
  if (statx(fd, "", AT_EMPTY_PATH, kStatxMask, &st) != 0) {
    set_error(entry, errno, "statx");
    return;
  }
  fill_metadata(st, entry);
  if (entry.type != EntryType::File) return;

  if (entry.size >= kTailSize) {
    // pread gives a short count on a file truncated under us, where a mapping gives SIGBUS.
    ssize_t n = pread(fd, entry.tail.data(), kTailSize, static_cast<off_t>(entry.size - kTailSize));
    if (n < 0) {
      set_error(entry, errno, "pread");
      return;
    }
    entry.has_tail = n == static_cast<ssize_t>(kTailSize);
  }
  if (entry.allocated_bytes == 0) {
    entry.has_data_ranges = true;  // nothing allocated: no ranges, no lseek needed
    return;
  }
  int err = read_data_ranges(fd, entry, tmpfs_page, entry.data_ranges);
  if (err != 0) {
    entry.data_ranges.clear();
    set_error(entry, err, "lseek");
    return;
  }
  entry.has_data_ranges = true;
}

/** A regular file (by d_type or statx): open it, never mapping, and read what we report. */
void read_regular(const Directory& dir, const char* name, ScanEntry& entry) {
  // O_NONBLOCK: if the name became a FIFO since readdir, open must not wait for a writer.
  UniqueFd fd(openat(dir.fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    int err = errno;
    if (err != ENOENT) {
      // Another user's file (EACCES), or replaced by a symlink (ELOOP): say what we can.
      struct statx st;
      if (stat_by_name(dir.fd, name, st)) {
        fill_metadata(st, entry);
        if (entry.type != EntryType::File) return;  // not a failure, just not a file now
      }
    }
    set_error(entry, err, "open");
    return;
  }
  read_open_file(fd.get(), dir.tmpfs_page, entry);
}

/**
 * A symlink under /proc, read as the file it names: /proc/<pid>/fd/<n> and
 * /proc/<pid>/map_files/<start>-<end> are magic links that reach the open file itself,
 * memfds and unlinked files included. O_PATH resolves the link without opening the
 * target, so a pipe, socket, device or directory is reported by its own metadata and
 * never opened (opening a device can have effects); a regular file is then opened
 * read-only through our own O_PATH fd, so it is the same file whatever the link names
 * by then. The tmpfs fast path applies when the file is shmem (a memfd reports as tmpfs).
 * map_files needs CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE): without it the entry's error is EPERM.
 */
void read_proc_link(const Directory& dir, const char* name, ScanEntry& entry) {
  UniqueFd target(openat(dir.fd, name, O_PATH | O_CLOEXEC));
  if (!target.valid()) {
    set_error(entry, errno, "open");  // the link's own metadata stays in `entry`
    return;
  }
  struct statx st;
  if (statx(target.get(), "", AT_EMPTY_PATH, kStatxMask, &st) != 0) {
    set_error(entry, errno, "statx");
    return;
  }
  fill_metadata(st, entry);
  if (entry.type != EntryType::File) return;  // not a file: described, never opened

  char reopen[32];
  std::snprintf(reopen, sizeof reopen, "/proc/self/fd/%d", target.get());
  UniqueFd fd(open(reopen, O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    set_error(entry, errno, "open");
    return;
  }
  struct statfs fs;
  read_open_file(fd.get(), fstatfs(fd.get(), &fs) == 0 ? tmpfs_page_of(fs) : 0, entry);
}

void read_entry(const Directory& dir, const char* name, unsigned char d_type, ScanEntry& entry) {
  reset(entry, name, type_of_dirent(d_type));
  if (d_type == DT_REG) {
    read_regular(dir, name, entry);
    return;
  }
  struct statx st;
  if (!stat_by_name(dir.fd, name, st)) {
    set_error(entry, errno, "statx");
    return;
  }
  if (S_ISREG(st.stx_mode)) {
    read_regular(dir, name, entry);  // DT_UNKNOWN on filesystems without d_type
    return;
  }
  fill_metadata(st, entry);  // dirs, symlinks, FIFOs, sockets: never opened
  if (S_ISLNK(st.stx_mode) && dir.follow_proc_links) read_proc_link(dir, name, entry);
}

UniqueFd open_directory(const std::string& dir) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) throw SysError{errno, "open", dir};
  return fd;
}

}  // namespace

uint64_t scan_directory(const std::string& dir, const std::function<void(const ScanEntry&)>& visit) {
  UniqueFd fd = open_directory(dir);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) throw SysError{errno, "fstat", dir};
  const Directory directory = describe(fd.get(), dir);
  UniqueDir stream(fdopendir(fd.get()));
  if (!stream) throw SysError{errno, "fdopendir", dir};
  fd.release();  // now owned by the DIR stream

  ScanEntry entry;
  entry.data_ranges.reserve(16);
  for (;;) {
    errno = 0;
    const struct dirent* d = readdir(stream.get());
    if (!d) {
      if (errno != 0) throw SysError{errno, "readdir", dir};
      break;
    }
    const char* name = d->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    read_entry(directory, name, d->d_type, entry);
    visit(entry);
  }
  return st.st_dev;
}

ScanEntry scan_entry(const std::string& dir, const std::string& name) {
  UniqueFd fd = open_directory(dir);
  Directory directory = describe(fd.get(), dir);
  directory.follow_proc_links = dir.rfind("/proc/", 0) == 0;
  ScanEntry entry;
  read_entry(directory, name.c_str(), DT_UNKNOWN, entry);
  if (entry.error_errno == ENOENT) throw SysError{ENOENT, entry.error_syscall, dir + "/" + name};
  return entry;
}

}  // namespace shm

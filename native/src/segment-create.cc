#include "segment-create.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "marker.h"
#include "sys-error.h"
#include "unique-fd.h"

namespace shm {

namespace {

constexpr int kNameAttempts = 100;

std::string random_pulse_name() {
  uint32_t id = 0;
  while (getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id)) {
    if (errno != EINTR) throw SysError{errno, "getrandom", ""};
  }
  return "pulse-shm-" + std::to_string(id);
}

/** Sizes the new file and writes its marker; returns 0 or the errno, with `syscall` set. */
int fill_segment(int fd, uint64_t data_size, uint32_t mode, int32_t marker_pid, const char*& syscall) {
  // fchmod so that the umask does not change the requested mode.
  syscall = "fchmod";
  if (fchmod(fd, mode) != 0) return errno;
  syscall = "ftruncate";
  if (ftruncate(fd, static_cast<off_t>(data_size + kMarkerSize)) != 0) return errno;
  // Reserve the marker's page first: a full tmpfs then fails here with ENOSPC.
  syscall = "posix_fallocate";
  if (int err = posix_fallocate(fd, static_cast<off_t>(data_size), kMarkerSize)) return err;
  uint8_t marker[kMarkerSize] = {};
  write_le32(marker, kMarkerMagic);
  write_le32(marker + 4, static_cast<uint32_t>(marker_pid));
  syscall = "pwrite";
  ssize_t n = pwrite(fd, marker, kMarkerSize, static_cast<off_t>(data_size));
  if (n < 0) return errno;
  if (n != static_cast<ssize_t>(kMarkerSize)) return ENOSPC;
  return 0;
}

std::mutex mappings_lock;
std::map<uint32_t, std::pair<void*, size_t>> mappings;
uint32_t next_handle = 1;

}  // namespace

CreatedSegment create_segment(const std::string& dir, const std::optional<std::string>& name,
                              uint64_t data_size, uint32_t mode, int32_t marker_pid) {
  UniqueFd dirfd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd.valid()) throw SysError{errno, "open", dir};

  CreatedSegment created;
  UniqueFd fd;
  for (int attempt = 0; attempt < kNameAttempts && !fd.valid(); ++attempt) {
    created.name = name ? *name : random_pulse_name();
    fd.reset(openat(dirfd.get(), created.name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    // A generated name that is taken: draw another, as PulseAudio does.
    if (!fd.valid() && (name || errno != EEXIST)) throw SysError{errno, "open", dir + "/" + created.name};
  }
  if (!fd.valid()) throw SysError{EEXIST, "open", dir + "/pulse-shm-*"};

  const char* syscall = nullptr;
  int err = fill_segment(fd.get(), data_size, mode, marker_pid, syscall);
  struct stat st;
  if (err == 0 && fstat(fd.get(), &st) != 0) {
    err = errno;
    syscall = "fstat";
  }
  if (err != 0) {
    unlinkat(dirfd.get(), created.name.c_str(), 0);  // we created it: leave nothing behind
    throw SysError{err, syscall, dir + "/" + created.name};
  }
  created.dev = st.st_dev;
  created.inode = st.st_ino;
  created.file_size = static_cast<uint64_t>(st.st_size);
  return created;
}

int create_memfd(const std::string& name, uint64_t size) {
  UniqueFd fd(memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) throw SysError{errno, "memfd_create", name};
  if (ftruncate(fd.get(), static_cast<off_t>(size)) != 0) throw SysError{errno, "ftruncate", name};
  return fd.release();
}

uint32_t map_shared(int fd, uint64_t length, bool writable) {
  int prot = PROT_READ | (writable ? PROT_WRITE : 0);
  void* address = mmap(nullptr, length, prot, MAP_SHARED | MAP_NORESERVE, fd, 0);
  if (address == MAP_FAILED) throw SysError{errno, "mmap", ""};
  std::lock_guard<std::mutex> guard(mappings_lock);
  uint32_t handle = next_handle++;
  mappings.emplace(handle, std::make_pair(address, static_cast<size_t>(length)));
  return handle;
}

void unmap_shared(uint32_t handle) {
  std::lock_guard<std::mutex> guard(mappings_lock);
  auto found = mappings.find(handle);
  if (found == mappings.end()) throw SysError{EINVAL, "munmap", ""};
  if (munmap(found->second.first, found->second.second) != 0) throw SysError{errno, "munmap", ""};
  mappings.erase(found);
}

}  // namespace shm

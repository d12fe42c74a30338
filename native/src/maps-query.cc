#include "maps-query.h"

#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace shm {

namespace {

// include/uapi/linux/fs.h of Linux 6.11; Debian 12's headers (6.1) lack it. The ABI is stable.
struct ProcmapQuery {
  uint64_t size;
  uint64_t query_flags;
  uint64_t query_addr;
  uint64_t vma_start;
  uint64_t vma_end;
  uint64_t vma_flags;
  uint64_t vma_page_size;
  uint64_t vma_offset;
  uint64_t inode;
  uint32_t dev_major;
  uint32_t dev_minor;
  uint32_t vma_name_size;
  uint32_t build_id_size;
  uint64_t vma_name_addr;
  uint64_t build_id_addr;
};

constexpr unsigned long kProcmapQuery = _IOWR('f', 17, ProcmapQuery);
constexpr uint64_t kReadable = 0x01;
constexpr uint64_t kWritable = 0x02;
constexpr uint64_t kExecutable = 0x04;
constexpr uint64_t kShared = 0x08;
constexpr uint64_t kCoveringOrNext = 0x10;
constexpr uint64_t kFileBacked = 0x20;

constexpr std::string_view kMemfdPrefix = "/memfd:";
constexpr std::string_view kDeletedSuffix = " (deleted)";

/** One VMA at or after `addr` that is file-backed (and shared, with `flags`), with its path in `name` when given; errno or 0. */
int query(int maps_fd, uint64_t addr, uint64_t flags, ProcmapQuery& q, char* name, uint32_t name_size) {
  std::memset(&q, 0, sizeof q);
  q.size = sizeof q;
  q.query_flags = kCoveringOrNext | kFileBacked | flags;
  q.query_addr = addr;
  if (name != nullptr) {
    q.vma_name_addr = reinterpret_cast<uintptr_t>(name);
    q.vma_name_size = name_size;
  }
  for (;;) {
    if (ioctl(maps_fd, kProcmapQuery, &q) == 0) return 0;
    if (errno != EINTR) return errno;
  }
}

/** The path as seq_path shows it in the maps text: only a newline is escaped, as octal. */
std::string as_maps_text(std::string_view path) {
  std::string shown;
  shown.reserve(path.size());
  for (char c : path) {
    if (c == '\n') shown += "\\012";
    else shown += c;
  }
  return shown;
}

}  // namespace

MapsQuery query_mappings(int maps_fd, unsigned want_major, unsigned want_minor, bool shared_only,
                         std::vector<Mapping>& out) {
  const size_t kept = out.size();
  // As a query flag, "shared" means only shared VMAs: the kernel walks past the private ones
  // (a browser process maps hundreds of libraries privately) without a call each.
  const uint64_t flags = shared_only ? kShared : 0;
  ProcmapQuery q;
  char name[4096 + 64];
  uint64_t addr = 0;
  for (;;) {
    int err = query(maps_fd, addr, flags, q, nullptr, 0);
    if (err == ENOENT) return MapsQuery::Done;  // no file mapping at or after addr
    if (err == ESRCH) {
      // No memory map any more (the process is exiting): its text reads empty.
      out.resize(kept);
      return MapsQuery::Done;
    }
    if (err == ENOTTY || err == EINVAL) {
      out.resize(kept);
      return addr == 0 ? MapsQuery::Unsupported : MapsQuery::Retry;
    }
    if (err != 0) {
      out.resize(kept);
      return MapsQuery::Retry;
    }
    const uint64_t start = q.vma_start;
    addr = q.vma_end;
    const bool on_device = q.dev_major == want_major && q.dev_minor == want_minor && q.inode != 0;
    if (!on_device && q.dev_major != 0) continue;  // neither on the device nor a possible memfd

    // The same VMA again, with its path (only now: formatting paths is what the text pays for each line).
    err = query(maps_fd, start, flags, q, name, sizeof name);
    if (err != 0 || q.vma_start != start) {
      // Unmapped or replaced meanwhile, or a path too long: the text decides.
      out.resize(kept);
      return MapsQuery::Retry;
    }
    std::string_view path(name, q.vma_name_size > 0 ? q.vma_name_size - 1 : 0);  // the size counts the NUL
    if (!on_device && path.substr(0, kMemfdPrefix.size()) != kMemfdPrefix) continue;
    Mapping m;
    m.start = q.vma_start;
    m.end = q.vma_end;
    m.perms[0] = q.vma_flags & kReadable ? 'r' : '-';
    m.perms[1] = q.vma_flags & kWritable ? 'w' : '-';
    m.perms[2] = q.vma_flags & kExecutable ? 'x' : '-';
    m.perms[3] = q.vma_flags & kShared ? 's' : 'p';
    m.offset = q.vma_offset;
    m.dev = makedev(q.dev_major, q.dev_minor);
    m.inode = q.inode;
    m.deleted = path.size() >= kDeletedSuffix.size() && path.substr(path.size() - kDeletedSuffix.size()) == kDeletedSuffix;
    if (m.deleted) path.remove_suffix(kDeletedSuffix.size());
    m.path = as_maps_text(path);
    out.push_back(std::move(m));
  }
}

}  // namespace shm

#include "live-events.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "sys-error.h"
#include "unique-fd.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434  // the same number on every architecture
#endif

namespace shm {

int inotify_watch_dir(const std::string& dir) {
  UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) throw SysError{errno, "inotify_init1", ""};
  const uint32_t mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY |
                        IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK;
  if (::inotify_add_watch(fd.get(), dir.c_str(), mask) < 0) throw SysError{errno, "inotify_add_watch", dir};
  return fd.release();
}

InotifyBatch inotify_drain(int fd) {
  InotifyBatch batch;
  std::set<std::string> seen;
  alignas(struct inotify_event) char buffer[64 * 1024];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      throw SysError{errno, "read", "inotify"};
    }
    if (got == 0) break;
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(struct inotify_event) + event->len);
      if (event->mask & IN_Q_OVERFLOW) batch.overflow = true;
      if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)) batch.dir_changed = true;
      if (event->len == 0) continue;
      std::string name(event->name, ::strnlen(event->name, event->len));
      if (seen.insert(name).second) batch.names.push_back(std::move(name));
    }
  }
  return batch;
}

int eventfd_open() {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw SysError{errno, "eventfd", ""};
  return fd;
}

void eventfd_signal(int fd) {
  const uint64_t one = 1;
  if (::write(fd, &one, sizeof one) < 0 && errno != EAGAIN) throw SysError{errno, "write", "eventfd"};
}

void eventfd_drain(int fd) {
  uint64_t count = 0;
  if (::read(fd, &count, sizeof count) < 0 && errno != EAGAIN) throw SysError{errno, "read", "eventfd"};
}

namespace {

/** Field 22 of /proc/<pid>/stat, or errno (ESRCH when the process is gone). */
int read_start_ticks(int pid, uint64_t& ticks) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return errno == ENOENT ? ESRCH : errno;
  char text[1024];
  const ssize_t got = ::read(fd.get(), text, sizeof text - 1);
  if (got <= 0) return got < 0 ? errno : ESRCH;
  text[got] = '\0';
  const char* field = std::strrchr(text, ')');  // comm may hold spaces and parentheses
  if (field == nullptr) return EIO;
  // After ") " come fields 3, 4, ...: skip 19 of them to reach field 22.
  for (int skipped = 0; skipped < 20; ++skipped) {
    field = std::strchr(field + 1, ' ');
    if (field == nullptr) return EIO;
  }
  ticks = std::strtoull(field + 1, nullptr, 10);
  return 0;
}

}  // namespace

int pidfd_open_checked(int pid, uint64_t start_ticks) {
  UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!fd.valid()) throw SysError{errno, "pidfd_open", std::to_string(pid)};
  // Checked after the open: the pidfd now pins this process, so a match means it is the one read.
  uint64_t ticks = 0;
  const int err = read_start_ticks(pid, ticks);
  if (err != 0) throw SysError{err, "read", "/proc/" + std::to_string(pid) + "/stat"};
  if (ticks != start_ticks) throw SysError{ESRCH, "pidfd_open", std::to_string(pid) + " (reused)"};
  return fd.release();
}

std::vector<int> wait_readable(const std::vector<int>& fds, int timeout_ms) {
  std::vector<struct pollfd> polled(fds.size());
  for (size_t i = 0; i < fds.size(); ++i) polled[i] = {fds[i], POLLIN, 0};
  int ready;
  do {
    ready = ::poll(polled.data(), polled.size(), timeout_ms);
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) throw SysError{errno, "poll", ""};
  std::vector<int> readable;
  for (const auto& entry : polled) {
    if (entry.revents != 0) readable.push_back(entry.fd);
  }
  return readable;
}

void close_fd(int fd) { ::close(fd); }

}  // namespace shm

#pragma once
// What the live engine waits on: inotify on the shm directory (events carry names), a
// pidfd per process whose exit matters, and an eventfd to wake the wait. Plain POSIX.

#include <cstdint>
#include <string>
#include <vector>

namespace shm {

/** An inotify fd (non-blocking) watching `dir` for entries created, removed, renamed or written, and for the directory itself going. */
int inotify_watch_dir(const std::string& dir);

struct InotifyBatch {
  std::vector<std::string> names;  // entries named by the events, each once
  bool overflow = false;           // IN_Q_OVERFLOW: events were lost
  bool dir_changed = false;        // the directory was removed, moved or unmounted
};

/** Reads every event queued on `fd` now (never blocks). */
InotifyBatch inotify_drain(int fd);

int eventfd_open();
void eventfd_signal(int fd);
void eventfd_drain(int fd);

/**
 * A pidfd for `pid`, only if that PID is still the process that started at
 * `start_ticks` (field 22 of its stat): a PID reused since it was read throws ESRCH.
 * Errors are SysErrors (EMFILE, ENFILE, ENOSYS, ESRCH...): the caller must not take any
 * of them for an exit.
 */
int pidfd_open_checked(int pid, uint64_t start_ticks);

/** poll()s `fds` for input up to `timeout_ms` (-1: no limit); returns those readable (or hung up). */
std::vector<int> wait_readable(const std::vector<int>& fds, int timeout_ms);

void close_fd(int fd);

}  // namespace shm

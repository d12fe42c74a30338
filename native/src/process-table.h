#pragma once
// Reads /proc: every process with its mappings and fds that can hold shared memory
// (files on the shm directory's filesystem, and memfds).

#include <cstdint>
#include <string>
#include <vector>

namespace shm {

struct Mapping {
  uint64_t start = 0;
  uint64_t end = 0;
  char perms[5] = {};  // "rw-s"
  uint64_t offset = 0;
  uint64_t dev = 0;  // makedev(major, minor)
  uint64_t inode = 0;
  std::string path;  // without " (deleted)"
  bool deleted = false;
};

struct OpenFd {
  int fd = 0;
  std::string path;  // link target without " (deleted)"
  bool deleted = false;
  uint64_t dev = 0;
  uint64_t inode = 0;
  int access_mode = -1;  // flags & O_ACCMODE, -1 if fdinfo could not be read
};

struct ProcessInfo {
  int pid = 0;
  std::string comm;
  char state = '?';
  int ppid = 0;
  uint64_t start_ticks = 0;
  uint32_t uid = 0;
  std::vector<Mapping> mappings;
  std::vector<OpenFd> fds;
  int maps_errno = 0;  // why maps could not be read, 0 if it was
  int fds_errno = 0;
};

/**
 * A process that exists, or may, but whose /proc entry could not be read: EACCES or
 * EPERM, or ENOENT while kill(pid, 0) still finds the PID (a hidepid /proc hides other
 * users' processes). Unknown, never taken for exited.
 */
struct UnreadableProcess {
  int pid = 0;
  int err = 0;
  std::string hidepid;  // /proc's hidepid mount option ("2", "invisible"...) when on, else ""
};

struct ProcessTable {
  double boot_time_ms = 0;
  long ticks_per_second = 0;
  std::vector<ProcessInfo> processes;
  std::vector<UnreadableProcess> unreadable;
  std::string hidepid;  // /proc's hidepid mount option when on, else "": other users' processes may be unlisted
};

/**
 * Every process in /proc. Keeps mappings on device `dev` and fds whose target is
 * inside `dir` (absolute, no trailing slash), plus memfds of both kinds. Processes
 * that exit during the read are left out; only ENOENT or ESRCH, confirmed by kill(pid, 0),
 * mean exited. A process whose /proc entry cannot be read otherwise is listed in
 * `unreadable`. A process whose main thread has exited is read through a live thread.
 * Throws SysError if /proc is unreadable, or if a read fails for want of fds or memory
 * (EMFILE, ENFILE, ENOMEM): such a failure says nothing about the process, so no table
 * is better than one that misses a live process.
 * With `shared_mappings_only`, private mappings are left out (and cost nothing: the
 * kernel skips them); a caller keeps what it read of them before (the live engine's sweep).
 */
ProcessTable read_process_table(uint64_t dev, const std::string& dir, bool shared_mappings_only = false);

/**
 * Reads each of `pids` again, as read_process_table would: replaces its entry (in
 * `processes` or `unreadable`), adds it if it was not there, or removes it if the
 * process is gone now. Finds PIDs a hidepid /proc leaves out of its listing.
 */
void refresh_processes(ProcessTable& table, const std::vector<int>& pids, uint64_t dev, const std::string& dir);

}  // namespace shm

#include "process-table.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "maps-query.h"
#include "sys-error.h"
#include "unique-fd.h"

namespace shm {

namespace {

constexpr std::string_view kMemfdPrefix = "/memfd:";
constexpr std::string_view kDeletedSuffix = " (deleted)";

/**
 * Reads whole /proc files into one reused buffer, so that nothing is allocated per file
 * once the buffer has grown. A seq_file read returns at most the kernel's own buffer, a
 * page (4 KB) unless one record is longer, whatever the buffer asked with: a 100 KB maps
 * text takes some 25 reads (which is why maps are asked with PROCMAP_QUERY first).
 */
class ProcReader {
 public:
  /** Returns 0 and the text in `out` (valid until the next read), or errno. */
  int read(int dirfd, const char* path, std::string_view& out) { return read_file(dirfd, path, false, out); }

  /**
   * The same for a file the kernel shows as one seq_file record (stat, fdinfo/N): its
   * first read returns the whole record when the buffer is larger, so a read that ends
   * the line is taken as the end and the read that would return 0 is saved.
   */
  int read_record(int dirfd, const char* path, std::string_view& out) { return read_file(dirfd, path, true, out); }

  /** Reads an open file from where it is to its end (as `read`). */
  int read_open(int fd, std::string_view& out) { return read_fd(fd, false, out); }

 private:
  int read_file(int dirfd, const char* path, bool one_record, std::string_view& out) {
    UniqueFd fd(openat(dirfd, path, O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return errno;
    return read_fd(fd.get(), one_record, out);
  }

  int read_fd(int fd, bool one_record, std::string_view& out) {
    size_t used = 0;
    for (;;) {
      if (used == buf_.size()) buf_.resize(buf_.size() * 2);
      ssize_t n = ::read(fd, buf_.data() + used, buf_.size() - used);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      if (n == 0) break;
      used += static_cast<size_t>(n);
      if (one_record && used < buf_.size() && buf_[used - 1] == '\n') break;
    }
    out = std::string_view(buf_.data(), used);
    return 0;
  }

  std::vector<char> buf_ = std::vector<char>(256 * 1024);
};

bool is_digits(const char* s) {
  if (*s == '\0') return false;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return false;
  }
  return true;
}

uint64_t parse_hex(std::string_view& s) {
  uint64_t value = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    unsigned digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else break;
    value = value * 16 + digit;
  }
  s.remove_prefix(i);
  return value;
}

uint64_t parse_dec(std::string_view& s) {
  uint64_t value = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) value = value * 10 + (s[i] - '0');
  s.remove_prefix(i);
  return value;
}

/** Drops one expected separator; false if the line is not shaped as expected. */
bool expect(std::string_view& s, char c) {
  if (s.empty() || s[0] != c) return false;
  s.remove_prefix(1);
  return true;
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
}

void skip_blanks(std::string_view& s) {
  while (!s.empty() && (s[0] == ' ' || s[0] == '\t')) s.remove_prefix(1);
}

/** Splits " (deleted)" off a kernel-shown path. */
bool strip_deleted(std::string_view& path) {
  if (path.size() < kDeletedSuffix.size() || path.substr(path.size() - kDeletedSuffix.size()) != kDeletedSuffix) {
    return false;
  }
  path.remove_suffix(kDeletedSuffix.size());
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/** Parses one maps line ("start-end perms offset maj:min inode   path"); keeps it if wanted. */
void parse_maps_line(std::string_view line, unsigned want_major, unsigned want_minor, bool shared_only,
                     std::vector<Mapping>& out) {
  Mapping m;
  m.start = parse_hex(line);
  if (!expect(line, '-')) return;
  m.end = parse_hex(line);
  if (!expect(line, ' ') || line.size() < 5) return;
  std::memcpy(m.perms, line.data(), 4);
  if (shared_only && m.perms[3] != 's') return;
  line.remove_prefix(4);
  if (!expect(line, ' ')) return;
  m.offset = parse_hex(line);
  if (!expect(line, ' ')) return;
  unsigned major = static_cast<unsigned>(parse_hex(line));
  if (!expect(line, ':')) return;
  unsigned minor = static_cast<unsigned>(parse_hex(line));
  if (!expect(line, ' ')) return;
  m.inode = parse_dec(line);
  skip_spaces(line);
  // Anonymous memory ([heap], [stack]...) has inode 0 and must not match a dev of 0.
  bool on_device = major == want_major && minor == want_minor && m.inode != 0;
  if (!on_device && !starts_with(line, kMemfdPrefix)) return;
  m.dev = makedev(major, minor);
  m.deleted = strip_deleted(line);
  m.path.assign(line);
  out.push_back(std::move(m));
}

void parse_maps(std::string_view text, unsigned want_major, unsigned want_minor, bool shared_only, std::vector<Mapping>& out) {
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    parse_maps_line(line, want_major, want_minor, shared_only, out);
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
}

/** PF_KTHREAD in the flags of /proc/<pid>/stat (include/linux/sched.h): a kernel thread. */
constexpr uint64_t kKernelThreadFlag = 0x00200000;

/** Fills comm, state, ppid, start_ticks (and `flags`, field 9) from /proc/<pid>/stat; false if malformed. */
bool parse_stat(std::string_view text, ProcessInfo& p, uint64_t& flags) {
  // comm may contain spaces and parentheses: it ends at the LAST ')'.
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return false;
  p.comm.assign(text.substr(open + 1, close - open - 1));
  std::string_view rest = text.substr(close + 1);
  if (!expect(rest, ' ') || rest.empty()) return false;
  p.state = rest[0];
  rest.remove_prefix(1);
  // Fields after the state: ppid is field 4, starttime field 22.
  for (int field = 4; field <= 22; ++field) {
    if (!expect(rest, ' ')) return false;
    if (field == 4 || field == 9 || field == 22) {
      // ppid is never negative; other skipped fields may be ("-1" tty_pgrp).
      uint64_t value = parse_dec(rest);
      if (field == 4) p.ppid = static_cast<int>(value);
      else if (field == 9) flags = value;
      else p.start_ticks = value;
    } else {
      size_t space = rest.find(' ');
      if (space == std::string_view::npos) return false;
      rest.remove_prefix(space);
    }
  }
  return true;
}

int read_access_mode(int piddir, int fd, ProcReader& reader) {
  char path[32];
  snprintf(path, sizeof path, "fdinfo/%d", fd);
  std::string_view text;
  if (reader.read_record(piddir, path, text) != 0) return -1;
  size_t at = text.find("flags:");
  if (at == std::string_view::npos) return -1;
  text.remove_prefix(at + 6);
  skip_blanks(text);
  uint64_t flags = 0;
  for (; !text.empty() && text[0] >= '0' && text[0] <= '7'; text.remove_prefix(1)) flags = flags * 8 + (text[0] - '0');
  return static_cast<int>(flags & O_ACCMODE);
}

/** Errors a process can give that mean it has exited. */
bool vanished(int err) { return err == ENOENT || err == ESRCH; }

/**
 * Errors that say nothing about the process read, only that this one ran short of fds
 * or memory: the read of the whole table fails, since any process could be missed.
 */
bool out_of_resources(int err) { return err == EMFILE || err == ENFILE || err == ENOMEM; }

/** Reads fd/ of one process; returns 0 or the errno that prevented listing it or reading its links. */
int read_fds(int piddir, const std::string& dir_prefix, std::vector<OpenFd>& out, ProcReader& reader) {
  UniqueFd fd(openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return errno;
  UniqueDir stream(fdopendir(fd.get()));
  if (!stream) return errno;
  int fddir = fd.release();
  char target[4096];
  while (const struct dirent* d = readdir(stream.get())) {
    if (!is_digits(d->d_name)) continue;
    ssize_t n = readlinkat(fddir, d->d_name, target, sizeof target);
    // The fd list can be readable while each link is not (a process we may not ptrace-read).
    if (n < 0 && (out_of_resources(errno) || errno == EACCES || errno == EPERM)) return errno;
    if (n < 0 || n == static_cast<ssize_t>(sizeof target)) continue;  // closed meanwhile, or too long
    std::string_view path(target, static_cast<size_t>(n));
    if (!starts_with(path, dir_prefix) && !starts_with(path, kMemfdPrefix)) continue;
    struct stat st;
    if (fstatat(fddir, d->d_name, &st, 0) != 0) {  // follows the link to the open file
      if (out_of_resources(errno)) return errno;
      continue;  // closed meanwhile
    }
    OpenFd entry;
    entry.fd = std::atoi(d->d_name);
    entry.deleted = strip_deleted(path);
    entry.path.assign(path);
    entry.dev = st.st_dev;
    entry.inode = st.st_ino;
    entry.access_mode = read_access_mode(piddir, entry.fd, reader);
    out.push_back(std::move(entry));
  }
  return 0;
}

double clock_ms(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

/**
 * The hidepid option of the proc mount at /proc ("2", "invisible"...), or "" when it is
 * off or cannot be told. Only words a reason: whether a PID exists is kill's answer.
 */
std::string proc_hidepid() {
  FILE* file = std::fopen("/proc/self/mountinfo", "re");
  if (!file) return "";
  std::string found;
  char* line = nullptr;
  size_t capacity = 0;
  while (getline(&line, &capacity, file) > 0) {
    // "36 35 0:21 / /proc rw,relatime - proc proc rw,hidepid=2": the last mount on /proc wins.
    std::string_view text(line);
    size_t separator = text.find(" - ");
    if (separator == std::string_view::npos) continue;
    std::string_view fields = text.substr(0, separator);
    size_t at = 0;
    for (int skip = 0; skip < 4 && at != std::string_view::npos; ++skip) at = fields.find(' ', at + 1);
    if (at == std::string_view::npos) continue;
    std::string_view mount_point = fields.substr(at + 1, fields.find(' ', at + 1) - at - 1);
    std::string_view rest = text.substr(separator + 3);
    if (mount_point != "/proc" || !starts_with(rest, "proc ")) continue;
    size_t option = rest.find("hidepid=");
    if (option == std::string_view::npos) {
      found.clear();
      continue;
    }
    std::string_view value = rest.substr(option + 8);
    value = value.substr(0, value.find_first_of(", \n"));
    found = value == "0" || value == "off" ? "" : std::string(value);
  }
  std::free(line);
  std::fclose(file);
  return found;
}

/** What every per-process read needs: the device and directory to keep, and a reusable read buffer. */
struct ProcessReading {
  unsigned want_major;
  unsigned want_minor;
  std::string dir_prefix;
  ProcReader reader;
  /** Whether maps are read with PROCMAP_QUERY: until the kernel says it has none. */
  bool query_maps = true;
  /** Only shared mappings are kept (read_process_table says when). */
  bool shared_only = false;
  bool hidepid_known = false;
  std::string hidepid;

  ProcessReading(uint64_t dev, const std::string& dir) : want_major(major(dev)), want_minor(minor(dev)), dir_prefix(dir + "/") {}

  /** /proc's hidepid option, read once per table (only when some process cannot be read). */
  const std::string& proc_hidepid_option() {
    if (!hidepid_known) {
      hidepid = proc_hidepid();
      hidepid_known = true;
    }
    return hidepid;
  }
};

/**
 * The mappings /proc/<pid>/maps shows that the table keeps: asked of the kernel with
 * PROCMAP_QUERY where it has it (about a third cheaper than the text with a browser's
 * thousands of mappings per process), else parsed from the text. Returns 0 or the errno.
 */
int read_mappings(int dir, ProcessReading& filter, std::vector<Mapping>& out) {
  UniqueFd fd(openat(dir, "maps", O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return errno;
  if (filter.query_maps) {
    switch (query_mappings(fd.get(), filter.want_major, filter.want_minor, filter.shared_only, out)) {
      case MapsQuery::Done: return 0;
      case MapsQuery::Unsupported: filter.query_maps = false; break;
      case MapsQuery::Retry: break;
    }
  }
  std::string_view text;
  int err = filter.reader.read_open(fd.get(), text);
  if (err == 0) parse_maps(text, filter.want_major, filter.want_minor, filter.shared_only, out);
  return err;
}

enum class Outcome { Read, Gone, Unreadable };

/**
 * Sorts one failed read of /proc/<pid>: out of resources throws; gone is Gone only when
 * kill(pid, 0) agrees (`confirm_gone`: a hidepid /proc answers ENOENT for a live
 * process it hides); anything else leaves the process unknown.
 */
Outcome failed_read(int err, const char* syscall, int pid, const char* what, bool confirm_gone, int& out_err) {
  if (out_of_resources(err)) {
    std::string path = "/proc/" + std::to_string(pid);
    if (*what) path += std::string("/") + what;
    throw SysError{err, syscall, path};
  }
  out_err = err;
  if (!vanished(err)) return Outcome::Unreadable;
  if (!confirm_gone || (kill(pid, 0) != 0 && errno == ESRCH)) return Outcome::Gone;
  return Outcome::Unreadable;
}

/** The exited states: a zombie (Z) or a dead task (X, x) has no memory map left. */
bool exited_state(char state) { return state == 'Z' || state == 'X' || state == 'x'; }

/** Reads of an exited leader's threads before its process counts as unreadable (its threads come and go). */
constexpr int MAX_THREAD_ATTEMPTS = 64;

/**
 * For a process whose main thread has exited (its stat says Z, its maps are empty):
 * opens the directory of a thread still alive, whose maps and fds are the process's.
 * Returns an invalid fd when every listed thread has exited, 0 in `err` (`saw_others`
 * says whether there were any besides the leader); or an invalid fd and the errno when
 * the threads cannot be listed (then it is unknown).
 */
UniqueFd open_live_thread(int piddir, int pid, ProcessReading& filter, char& state, int& err, bool& saw_others) {
  err = 0;
  saw_others = false;
  UniqueFd taskfd(openat(piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!taskfd.valid()) {
    err = errno;
    return UniqueFd();
  }
  UniqueDir stream(fdopendir(taskfd.get()));
  if (!stream) {
    err = errno;
    return UniqueFd();
  }
  int taskdir = taskfd.release();
  for (;;) {
    errno = 0;
    const struct dirent* d = readdir(stream.get());
    if (!d) {
      err = errno;
      return UniqueFd();
    }
    if (!is_digits(d->d_name) || std::atoi(d->d_name) == pid) continue;
    saw_others = true;
    UniqueFd thread(openat(taskdir, d->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::string_view text;
    int read_err = thread.valid() ? filter.reader.read_record(thread.get(), "stat", text) : errno;
    if (vanished(read_err)) continue;  // this thread has exited meanwhile
    if (read_err != 0) {
      err = read_err;
      return UniqueFd();
    }
    ProcessInfo thread_info;
    uint64_t thread_flags = 0;
    if (!parse_stat(text, thread_info, thread_flags)) {
      err = EBADMSG;
      return UniqueFd();
    }
    if (exited_state(thread_info.state)) continue;
    state = thread_info.state;
    return thread;
  }
}

/**
 * Reads /proc/<pid_name> into `p`. Gone: the process exited meanwhile. Unreadable: it
 * exists, or may, but its entry cannot be read (errno in `err`).
 */
Outcome read_process(int procfd, const char* pid_name, ProcessReading& filter, ProcessInfo& p, int& err) {
  const int pid = std::atoi(pid_name);
  UniqueFd piddir(openat(procfd, pid_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!piddir.valid()) return failed_read(errno, "openat", pid, "", true, err);
  struct stat st;
  if (fstat(piddir.get(), &st) != 0) return failed_read(errno, "fstat", pid, "", false, err);

  // From here on piddir pins the process: ENOENT or ESRCH through it means this one exited.
  std::string_view text;
  p.pid = pid;
  p.uid = st.st_uid;
  int read_err = filter.reader.read_record(piddir.get(), "stat", text);
  if (read_err != 0) return failed_read(read_err, "read", pid, "stat", false, err);
  uint64_t flags = 0;
  if (!parse_stat(text, p, flags)) {
    err = EBADMSG;
    return Outcome::Unreadable;
  }
  // A kernel thread has no memory map and no fd table: its maps and fd/ read empty. Not
  // reading them saves 8 system calls for each of the 100-200 kernel threads of a desktop.
  if (flags & kKernelThreadFlag) return Outcome::Read;

  // A leader that called pthread_exit is a zombie whose threads may live on: the maps and
  // fds are theirs to show (the leader's are empty), and the process lives while one does.
  // The thread read in its place may exit mid-read, or a listing may catch only threads on
  // their way out while a new one starts: then the threads are read again, up to 64 times. If
  // no live one can be pinned down, the process is unreadable (EAGAIN): unknown, never gone.
  const bool leader_exited = exited_state(p.state);
  for (int attempt = 0;; ++attempt) {
    if (attempt == MAX_THREAD_ATTEMPTS) return failed_read(EAGAIN, "read", pid, "task", false, err);
    if (attempt > 0) sched_yield();
    UniqueFd thread;
    int memory_dir = piddir.get();
    if (leader_exited) {
      int thread_err = 0;
      bool saw_others = false;
      thread = open_live_thread(piddir.get(), pid, filter, p.state, thread_err, saw_others);
      if (thread_err != 0) return failed_read(thread_err, "read", pid, "task", false, err);
      // Threads listed but all exited: one may have started its successor after the listing.
      if (!thread.valid() && saw_others) continue;
      if (thread.valid()) memory_dir = thread.get();
    }
    const bool through_thread = thread.valid();
    p.mappings.clear();
    p.fds.clear();
    p.maps_errno = 0;
    p.fds_errno = 0;

    read_err = read_mappings(memory_dir, filter, p.mappings);
    if (vanished(read_err) && through_thread) continue;
    if (vanished(read_err) || out_of_resources(read_err)) return failed_read(read_err, "read", pid, "maps", false, err);
    if (read_err != 0) p.maps_errno = read_err;

    read_err = read_fds(memory_dir, filter.dir_prefix, p.fds, filter.reader);
    if (vanished(read_err) && through_thread) continue;
    if (vanished(read_err) || out_of_resources(read_err)) return failed_read(read_err, "read", pid, "fd", false, err);
    if (read_err != 0) {
      p.fds_errno = read_err;
      p.fds.clear();
    }
    return Outcome::Read;
  }
}

UnreadableProcess unreadable_process(int pid, int err, ProcessReading& filter) {
  return UnreadableProcess{pid, err, filter.proc_hidepid_option()};
}

UniqueFd open_proc() {
  UniqueFd proc(open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!proc.valid()) throw SysError{errno, "open", "/proc"};
  return proc;
}

}  // namespace

ProcessTable read_process_table(uint64_t dev, const std::string& dir, bool shared_mappings_only) {
  ProcessTable table;
  table.boot_time_ms = clock_ms(CLOCK_REALTIME) - clock_ms(CLOCK_BOOTTIME);
  table.ticks_per_second = sysconf(_SC_CLK_TCK);

  UniqueFd proc = open_proc();
  UniqueDir stream(fdopendir(proc.get()));
  if (!stream) throw SysError{errno, "fdopendir", "/proc"};
  int procfd = proc.release();

  ProcessReading filter(dev, dir);
  filter.shared_only = shared_mappings_only;
  table.hidepid = filter.proc_hidepid_option();
  for (;;) {
    errno = 0;
    const struct dirent* d = readdir(stream.get());
    if (!d) {
      if (errno != 0) throw SysError{errno, "readdir", "/proc"};
      break;
    }
    if (!is_digits(d->d_name)) continue;
    ProcessInfo p;
    int err = 0;
    switch (read_process(procfd, d->d_name, filter, p, err)) {
      case Outcome::Read: table.processes.push_back(std::move(p)); break;
      case Outcome::Unreadable: table.unreadable.push_back(unreadable_process(std::atoi(d->d_name), err, filter)); break;
      case Outcome::Gone: break;
    }
  }
  return table;
}

void refresh_processes(ProcessTable& table, const std::vector<int>& pids, uint64_t dev, const std::string& dir) {
  if (pids.empty()) return;
  UniqueFd proc = open_proc();
  ProcessReading filter(dev, dir);
  for (int pid : pids) {
    ProcessInfo fresh;
    int err = 0;
    const Outcome outcome = read_process(proc.get(), std::to_string(pid).c_str(), filter, fresh, err);
    auto& processes = table.processes;
    processes.erase(std::remove_if(processes.begin(), processes.end(), [pid](const ProcessInfo& p) { return p.pid == pid; }),
                    processes.end());
    auto& unreadable = table.unreadable;
    unreadable.erase(std::remove_if(unreadable.begin(), unreadable.end(),
                                    [pid](const UnreadableProcess& p) { return p.pid == pid; }),
                     unreadable.end());
    if (outcome == Outcome::Read) processes.push_back(std::move(fresh));
    else if (outcome == Outcome::Unreadable) unreadable.push_back(unreadable_process(pid, err, filter));
  }
}

}  // namespace shm

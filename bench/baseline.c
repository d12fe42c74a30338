/*
 * The benchmark's baseline: the system calls a scan of a shm directory needs, with no
 * decoding, no allocation per entry and no JavaScript.
 *
 * Mode "minimal" (the baseline of the engine/baseline target):
 *   files: readdir + openat + fstat + pread(last 40 bytes) + close per entry
 *   /proc: for every /proc/<pid>: read all of maps; list fd/ and readlink each fd
 *
 * Mode "engine" (for the breakdown only): the same data the engine reports, read the
 * straightforward way, so that the engine's extra features are priced in C too:
 *   files: statx (with birth time) instead of fstat, and a plain SEEK_DATA/SEEK_HOLE walk
 *          of every file with allocated blocks (the addon may skip lseeks it can prove
 *          useless, so it can make fewer calls than this)
 *   /proc: also open /proc/<pid> + fstat (uid) + read stat; fstatat + fdinfo of fds
 *          that point into DIR or at a memfd
 *
 * Usage: baseline DIR ITERATIONS WARMUP minimal|engine
 * Prints one JSON object: per-iteration times of each phase in ns, and what was read
 * (valid markers, the sum of their PIDs, maps bytes, fd links), so nothing is optimised
 * away and the caller can check that the baseline saw the same files as the engine.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MARKER_SIZE 40
#define MARKER_MAGIC 0xbeefcafeu

struct files_result {
  uint64_t entries;
  uint64_t markers;
  uint64_t pid_sum;
  uint64_t ranges;
};

struct proc_result {
  uint64_t processes;
  uint64_t maps_bytes;
  uint64_t fd_links;
  uint64_t link_bytes;
  uint64_t touched; /* a byte of every read, so that no read can be dropped */
};

static int engine_mode;
static char read_buf[256 * 1024];

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, const char *path) {
  fprintf(stderr, "baseline: %s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

static int is_dot(const char *name) {
  return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

static int is_digits(const char *s) {
  if (*s == '\0') return 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return 0;
  }
  return 1;
}

static uint32_t le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Size, type and allocation of an open file, by the call the mode uses. */
static int stat_open_file(int fd, off_t *size, uint64_t *blocks) {
  if (engine_mode) {
    struct statx stx;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &stx) != 0 || !S_ISREG(stx.stx_mode)) return -1;
    *size = (off_t)stx.stx_size;
    *blocks = stx.stx_blocks;
    return 0;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  *size = st.st_size;
  *blocks = (uint64_t)st.st_blocks;
  return 0;
}

static uint64_t walk_data_ranges(int fd, off_t size) {
  uint64_t ranges = 0;
  off_t pos = 0;
  while (pos < size) {
    off_t start = lseek(fd, pos, SEEK_DATA);
    if (start < 0) break;
    off_t end = lseek(fd, start, SEEK_HOLE);
    if (end < 0) break;
    ranges++;
    pos = end;
  }
  return ranges;
}

static struct files_result scan_files(const char *dir) {
  struct files_result r = {0, 0, 0, 0};
  DIR *stream = opendir(dir);
  if (!stream) die("opendir", dir);
  int dir_fd = dirfd(stream);
  struct dirent *d;
  while ((d = readdir(stream)) != NULL) {
    if (is_dot(d->d_name)) continue;
    r.entries++;
    int fd = openat(dir_fd, d->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) continue;
    off_t size;
    uint64_t blocks;
    if (stat_open_file(fd, &size, &blocks) == 0 && size >= MARKER_SIZE) {
      unsigned char tail[MARKER_SIZE];
      if (pread(fd, tail, MARKER_SIZE, size - MARKER_SIZE) == MARKER_SIZE) {
        int32_t pid = (int32_t)le32(tail + 4);
        if (le32(tail) == MARKER_MAGIC && pid > 0) {
          r.markers++;
          r.pid_sum += (uint64_t)pid;
        }
      }
      if (engine_mode && blocks > 0) r.ranges += walk_data_ranges(fd, size);
    }
    close(fd);
  }
  closedir(stream);
  return r;
}

/* Reads a whole file relative to `at`; returns the bytes read, 0 if it cannot be opened. */
static uint64_t read_all(int at, const char *path, struct proc_result *r) {
  int fd = openat(at, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  uint64_t total = 0;
  ssize_t n;
  while ((n = read(fd, read_buf, sizeof read_buf)) > 0) {
    total += (uint64_t)n;
    r->touched += (unsigned char)read_buf[n - 1];
  }
  close(fd);
  return total;
}

static int starts_with(const char *s, size_t length, const char *prefix) {
  size_t p = strlen(prefix);
  return length >= p && memcmp(s, prefix, p) == 0;
}

/* One process: maps and fd links (plus, in engine mode, what the addon also reads). */
static void scan_process(int procfd, const char *pid, const char *dir_prefix, struct proc_result *r) {
  char path[300];
  char target[4096];
  int piddir = -1;
  int at = procfd;
  if (engine_mode) {
    piddir = openat(procfd, pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (piddir < 0 || fstat(piddir, &st) != 0) goto done;
    r->touched += st.st_uid + read_all(piddir, "stat", r);
    at = piddir;
    snprintf(path, sizeof path, "maps");
  } else {
    snprintf(path, sizeof path, "%s/maps", pid);
  }
  r->maps_bytes += read_all(at, path, r);

  if (engine_mode) snprintf(path, sizeof path, "fd");
  else snprintf(path, sizeof path, "%s/fd", pid);
  int fds_fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fds_fd < 0) goto done;
  DIR *fds = fdopendir(fds_fd);
  if (!fds) {
    close(fds_fd);
    goto done;
  }
  struct dirent *f;
  while ((f = readdir(fds)) != NULL) {
    if (!is_digits(f->d_name)) continue;
    ssize_t n = readlinkat(fds_fd, f->d_name, target, sizeof target);
    if (n <= 0) continue;
    r->fd_links++;
    r->link_bytes += (uint64_t)n;
    r->touched += (unsigned char)target[n - 1];
    if (engine_mode && (starts_with(target, (size_t)n, dir_prefix) || starts_with(target, (size_t)n, "/memfd:"))) {
      struct stat st;
      if (fstatat(fds_fd, f->d_name, &st, 0) == 0) r->touched += st.st_ino;
      snprintf(path, sizeof path, "fdinfo/%s", f->d_name);
      r->touched += read_all(piddir, path, r);
    }
  }
  closedir(fds);
done:
  if (piddir >= 0) close(piddir);
}

static struct proc_result scan_proc(const char *dir_prefix) {
  struct proc_result r = {0, 0, 0, 0, 0};
  DIR *proc = opendir("/proc");
  if (!proc) die("opendir", "/proc");
  int procfd = dirfd(proc);
  struct dirent *d;
  while ((d = readdir(proc)) != NULL) {
    if (!is_digits(d->d_name)) continue;
    r.processes++;
    scan_process(procfd, d->d_name, dir_prefix, &r);
  }
  closedir(proc);
  return r;
}

static void print_times(const char *key, const uint64_t *times, long n) {
  printf("\"%s\":[", key);
  for (long i = 0; i < n; ++i) printf("%s%llu", i ? "," : "", (unsigned long long)times[i]);
  printf("]");
}

int main(int argc, char **argv) {
  if (argc != 5 || (strcmp(argv[4], "minimal") != 0 && strcmp(argv[4], "engine") != 0)) {
    fprintf(stderr, "usage: baseline DIR ITERATIONS WARMUP minimal|engine\n");
    return 2;
  }
  const char *dir = argv[1];
  long iterations = strtol(argv[2], NULL, 10);
  long warmup = strtol(argv[3], NULL, 10);
  engine_mode = strcmp(argv[4], "engine") == 0;
  if (iterations < 1 || warmup < 0) {
    fprintf(stderr, "baseline: ITERATIONS must be >= 1 and WARMUP >= 0\n");
    return 2;
  }
  char dir_prefix[4096];
  snprintf(dir_prefix, sizeof dir_prefix, "%s/", dir);
  uint64_t *files_ns = calloc((size_t)iterations, sizeof *files_ns);
  uint64_t *proc_ns = calloc((size_t)iterations, sizeof *proc_ns);
  uint64_t *total_ns = calloc((size_t)iterations, sizeof *total_ns);
  if (!files_ns || !proc_ns || !total_ns) die("calloc", "");

  struct files_result files = {0, 0, 0, 0};
  struct proc_result procs = {0, 0, 0, 0, 0};
  uint64_t checksum = 0;
  for (long i = -warmup; i < iterations; ++i) {
    uint64_t t0 = now_ns();
    files = scan_files(dir);
    uint64_t t1 = now_ns();
    procs = scan_proc(dir_prefix);
    uint64_t t2 = now_ns();
    checksum += files.pid_sum + files.ranges + procs.maps_bytes + procs.link_bytes + procs.touched;
    if (i >= 0) {
      files_ns[i] = t1 - t0;
      proc_ns[i] = t2 - t1;
      total_ns[i] = t2 - t0;
    }
  }

  printf("{");
  print_times("filesNs", files_ns, iterations);
  printf(",");
  print_times("procNs", proc_ns, iterations);
  printf(",");
  print_times("totalNs", total_ns, iterations);
  printf(",\"entries\":%llu,\"markers\":%llu,\"pidSum\":%llu,\"processes\":%llu,\"mapsBytes\":%llu,\"fdLinks\":%llu,"
         "\"checksum\":%llu}\n",
         (unsigned long long)files.entries, (unsigned long long)files.markers, (unsigned long long)files.pid_sum,
         (unsigned long long)procs.processes, (unsigned long long)procs.maps_bytes, (unsigned long long)procs.fd_links,
         (unsigned long long)checksum);
  free(files_ns);
  free(proc_ns);
  free(total_ns);
  return 0;
}

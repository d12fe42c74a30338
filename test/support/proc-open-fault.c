/*
 * LD_PRELOAD shim: makes the open of /proc/<pid> fail with a chosen errno, for errors
 * the kernel will not give on demand (fd or memory exhaustion at one exact call).
 *
 *   SHM_FAULT_PROC_PID   the PID whose /proc directory fails to open ("any": every PID)
 *   SHM_FAULT_ERRNO      EMFILE, ENFILE or ENOMEM
 *   SHM_FAULT_ARM_AFTER  optional: fail only once a path containing this text has been opened
 *
 * Matches openat(fd of /proc, "<pid>") and open("/proc/<pid>"), as the addon opens them;
 * everything else goes to libc unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <stdio.h>

static int armed_by_path = 0;

static int fault_errno(void) {
  const char *name = getenv("SHM_FAULT_ERRNO");
  if (!name) return 0;
  if (strcmp(name, "EMFILE") == 0) return EMFILE;
  if (strcmp(name, "ENFILE") == 0) return ENFILE;
  if (strcmp(name, "ENOMEM") == 0) return ENOMEM;
  return 0;
}

static int all_digits(const char *s) {
  if (*s == '\0') return 0;
  for (; *s; ++s)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

static int is_proc_dir(int dirfd) {
  char link[64], target[16];
  snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n < 0) return 0;
  target[n] = '\0';
  return strcmp(target, "/proc") == 0;
}

/** The errno to fail this open with, or 0 to let it through. */
static int fault_for(int dirfd, const char *path) {
  const char *arm_after = getenv("SHM_FAULT_ARM_AFTER");
  if (arm_after && !armed_by_path) {
    if (strstr(path, arm_after)) armed_by_path = 1;
    return 0;
  }
  const char *pid = getenv("SHM_FAULT_PROC_PID");
  int err = fault_errno();
  if (!pid || err == 0) return 0;
  const char *name;
  if (strncmp(path, "/proc/", 6) == 0) name = path + 6;
  else if (dirfd != AT_FDCWD && is_proc_dir(dirfd)) name = path;
  else return 0;
  if (!all_digits(name)) return 0;
  return strcmp(pid, "any") == 0 || strcmp(pid, name) == 0 ? err : 0;
}

typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*open_fn)(const char *, int, ...);

#define MODE_ARG(flags, mode)                    \
  mode_t mode = 0;                               \
  if ((flags) & (O_CREAT | __O_TMPFILE)) {       \
    va_list args;                                \
    va_start(args, flags);                       \
    mode = va_arg(args, mode_t);                 \
    va_end(args);                                \
  }

#define OPENAT(symbol)                                                    \
  int symbol(int dirfd, const char *path, int flags, ...) {               \
    MODE_ARG(flags, mode)                                                 \
    int err = fault_for(dirfd, path);                                     \
    if (err) {                                                            \
      errno = err;                                                        \
      return -1;                                                          \
    }                                                                     \
    static openat_fn real;                                                \
    if (!real) real = (openat_fn)dlsym(RTLD_NEXT, #symbol);               \
    return real(dirfd, path, flags, mode);                                \
  }

#define OPEN(symbol)                                                      \
  int symbol(const char *path, int flags, ...) {                          \
    MODE_ARG(flags, mode)                                                 \
    int err = fault_for(AT_FDCWD, path);                                  \
    if (err) {                                                            \
      errno = err;                                                        \
      return -1;                                                          \
    }                                                                     \
    static open_fn real;                                                  \
    if (!real) real = (open_fn)dlsym(RTLD_NEXT, #symbol);                 \
    return real(path, flags, mode);                                       \
  }

OPENAT(openat)
OPENAT(openat64)
OPEN(open)
OPEN(open64)

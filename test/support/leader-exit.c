/*
 * A process whose main thread exits while a worker thread goes on (pthread_exit from
 * main): /proc/<pid>/stat then says Z and /proc/<pid>/maps is empty, though the process
 * lives and maps its segment.
 *
 *   leader-exit PATH [--relay]
 *
 * Opens PATH (an existing segment of at least 40 bytes), writes a PulseAudio marker with
 * its own PID into the last 40 bytes, maps the file shared and read-write, closes the fd,
 * and starts a worker that increments the 64-bit counter at offset 0 every 10 ms until
 * killed. Prints "ready PID" once the worker has written, then the main thread exits.
 *
 * With --relay the worker is a relay of short-lived threads instead: each increments the
 * counter, sleeps 1 ms, starts its successor and exits, so whichever thread a reader of
 * /proc picks to stand for the exited leader is likely to exit while it is being read.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t *counter;

static void *work(void *unused) {
  (void)unused;
  struct timespec tick = {0, 10 * 1000 * 1000};
  for (;;) {
    __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
    nanosleep(&tick, NULL);
  }
  return NULL;
}

static void *relay(void *unused) {
  (void)unused;
  struct timespec tick = {0, 1000 * 1000};
  __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
  nanosleep(&tick, NULL);
  pthread_attr_t detached;
  pthread_attr_init(&detached);
  pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
  pthread_t next;
  while (pthread_create(&next, &detached, relay, NULL) != 0) nanosleep(&tick, NULL);
  return NULL;
}

int main(int argc, char **argv) {
  int relaying = argc == 3 && strcmp(argv[2], "--relay") == 0;
  if (argc != 2 && !relaying) {
    fprintf(stderr, "usage: leader-exit PATH [--relay]\n");
    return 2;
  }
  int fd = open(argv[1], O_RDWR | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 40) {
    perror(argv[1]);
    return 1;
  }
  /* Marker (reference 2): u32 magic 0xBEEFCAFE, i32 PID, little endian, in the last 40 bytes. */
  uint32_t marker[2] = {0xBEEFCAFEu, (uint32_t)getpid()};
  if (pwrite(fd, marker, sizeof marker, st.st_size - 40) != (ssize_t)sizeof marker) {
    perror("pwrite");
    return 1;
  }
  void *map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  close(fd);
  counter = map;
  pthread_t worker;
  if (pthread_create(&worker, NULL, relaying ? relay : work, NULL) != 0) return 1;
  while (__atomic_load_n(counter, __ATOMIC_SEQ_CST) == 0) usleep(1000);
  printf("ready %d\n", (int)getpid());
  fflush(stdout);
  pthread_exit(NULL);
}

"""Segment owners that die at arbitrary moments, and stay zombies for a while.

    dying-owners.py DIR COUNT SEED

Forks COUNT children. Each creates a PulseAudio-style segment in DIR (4096 data bytes,
marker with its own PID, reference §2), maps it, prints its name, lives a random
0.2 to 2.5 s and exits. We reap each one only a random 0 to 1 s after that, so it is a
zombie in between. Prints "done" once every child is reaped. The children die with us
(PR_SET_PDEATHSIG), so killing this process never leaves one behind.
"""
import ctypes
import mmap
import os
import random
import signal
import struct
import sys
import time

DATA_SIZE = 4096
MARKER = struct.Struct("<Ii32x")  # magic, PID, 32 reserved bytes
MAGIC = 0xBEEFCAFE
PR_SET_PDEATHSIG = 1

libc = ctypes.CDLL(None, use_errno=True)


def owner(directory, life):
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    while True:
        name = f"pulse-shm-{random.getrandbits(32)}"
        try:
            fd = os.open(os.path.join(directory, name), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            continue
    os.ftruncate(fd, DATA_SIZE + MARKER.size)
    os.pwrite(fd, MARKER.pack(MAGIC, os.getpid()), DATA_SIZE)
    mapping = mmap.mmap(fd, DATA_SIZE + MARKER.size, flags=mmap.MAP_SHARED)
    os.close(fd)
    os.write(1, f"{name}\n".encode())  # one short write: lines from siblings never interleave
    time.sleep(life)
    mapping.close()
    os._exit(0)


def main():
    directory, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    began = time.monotonic()
    schedule = []
    for _ in range(count):
        life = rng.uniform(0.2, 2.5)
        zombie = rng.uniform(0.0, 1.0)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            random.seed()
            owner(directory, life)
        schedule.append((began + life + zombie, pid))
    for reap_at, pid in sorted(schedule):
        time.sleep(max(0.0, reap_at - time.monotonic()))
        os.waitpid(pid, 0)
    print("done", flush=True)


main()

"""Keeps changing the files of a scratch directory while a scanner reads it.

    shm-churn.py DIR MARKER_PID

Cycles through a fixed set of PulseAudio-style names (and a few others), creating
segments (some sized as 2-slot pools, reference §4, with the marker naming MARKER_PID),
truncating them below and above the 40-byte marker, renaming one over another and
removing them, as fast as a short pause every few operations allows. Prints "ready"
once the directory is populated, then runs until killed. Creates nothing outside DIR.
"""
import os
import random
import struct
import sys
import time

MARKER = struct.Struct("<Ii32x")
MAGIC = 0xBEEFCAFE
SIZES = [4096, 2 * 65536, 100]  # plain, pool-sized (whole 64 KiB slots), tiny


def main():
    directory, marker_pid = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int.from_bytes(os.urandom(8), "little"))
    names = [f"pulse-shm-{rng.getrandbits(32)}" for _ in range(40)] + [f"other-{n}" for n in range(8)]
    paths = [os.path.join(directory, name) for name in names]

    def create(path):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        try:
            size = rng.choice(SIZES)
            os.ftruncate(fd, size + MARKER.size)
            os.pwrite(fd, MARKER.pack(MAGIC, marker_pid), size)
        finally:
            os.close(fd)

    for path in paths:
        create(path)
    print("ready", flush=True)

    operations = 0
    while True:
        path = rng.choice(paths)
        choice = rng.random()
        try:
            if choice < 0.35:
                os.unlink(path)
            elif choice < 0.55:
                os.truncate(path, rng.randrange(0, MARKER.size))  # below the marker
            elif choice < 0.65:
                os.truncate(path, rng.randrange(MARKER.size, 3 * 65536))
            elif choice < 0.75:
                os.rename(path, rng.choice(paths))
            else:
                create(path)
        except FileNotFoundError:
            create(path)
        operations += 1
        if operations % 20 == 0:
            time.sleep(0.001)  # leave the scanner's core some room on a small machine


main()

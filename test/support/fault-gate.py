"""Holds the first open (or read) of one file until a fault has been injected.

    fault-gate.py open|read FILE ACTION...

fanotify permission events (FAN_OPEN_PERM, FAN_ACCESS_PERM) make the kernel wait for
our answer before an open or read of FILE goes ahead. On the first such event, from
any process, we carry out the ACTIONs in order, print "fired PID" (the process that was
held), and only then allow it. Later events are allowed at once. This puts a change
exactly between a scanner's readdir and its open, or between its fstat and its pread,
with no timing involved.

ACTIONs (paths absolute):
    unlink:PATH            remove a name
    truncate:PATH:BYTES    truncate(2) by path (no open, so no event of ours)
    chmod:PATH:OCTAL       chmod(2)
    rename:FROM:TO         rename(2), replacing TO
    kill:PID:zombie        SIGKILL PID and wait until /proc/PID/stat says Z
    kill:PID:gone          SIGKILL PID and wait until /proc/PID is gone (its parent reaps it)
    owner:PATH             start a process that opens PATH read-write, writes a PulseAudio
                           marker with its own PID at its end, and sleeps until killed;
                           prints "owner PID" (a new owner, started during the scan)

Prints "ready" once the mark is in place. Exits when stdin closes; closing the
fanotify fd allows anything still held, so a killed gate never leaves a process stuck.
Needs CAP_SYS_ADMIN.
"""
import ctypes
import os
import select
import signal
import struct
import sys
import time

FAN_CLOEXEC = 0x1
FAN_CLASS_CONTENT = 0x4
FAN_MARK_ADD = 0x1
FAN_OPEN_PERM = 0x10000
FAN_ACCESS_PERM = 0x20000
FAN_ALLOW = 0x1
AT_FDCWD = -100
METADATA = struct.Struct("=IBBHQii")  # struct fanotify_event_metadata
RESPONSE = struct.Struct("=iI")  # struct fanotify_response

libc = ctypes.CDLL(None, use_errno=True)
libc.fanotify_init.argtypes = [ctypes.c_uint, ctypes.c_uint]
libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int, ctypes.c_char_p]


def check(result, what):
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def state_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except FileNotFoundError:
        return None
    return text[text.rindex(")") + 2]


def wait_until(what, done, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.005)


MARKER = struct.Struct("<Ii")  # magic, PID: the start of PulseAudio's 40-byte marker
MARKER_MAGIC = 0xBEEFCAFE
MARKER_SIZE = 40


def start_owner(path):
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(path, os.O_RDWR)
            os.pwrite(fd, MARKER.pack(MARKER_MAGIC, os.getpid()), os.fstat(fd).st_size - MARKER_SIZE)
            os.write(ready_write, b"1")
            while True:
                signal.pause()
        finally:
            os._exit(1)
    os.close(ready_write)
    if os.read(ready_read, 1) != b"1":
        raise RuntimeError(f"the owner of {path} failed to start")
    os.close(ready_read)
    print(f"owner {pid}", flush=True)


def perform(action):
    kind, _, rest = action.partition(":")
    if kind == "unlink":
        os.unlink(rest)
    elif kind == "truncate":
        target, _, size = rest.rpartition(":")
        os.truncate(target, int(size))
    elif kind == "chmod":
        target, _, mode = rest.rpartition(":")
        os.chmod(target, int(mode, 8))
    elif kind == "rename":
        source, _, target = rest.partition(":")
        os.rename(source, target)
    elif kind == "kill":
        pid_text, _, until = rest.partition(":")
        pid = int(pid_text)
        os.kill(pid, signal.SIGKILL)
        if until == "zombie":
            wait_until(f"PID {pid} to be a zombie", lambda: state_of(pid) == "Z")
        else:
            wait_until(f"PID {pid} to be reaped", lambda: state_of(pid) is None)
    elif kind == "owner":
        start_owner(rest)
    else:
        raise ValueError(f"unknown action {action}")


def main():
    event = {"open": FAN_OPEN_PERM, "read": FAN_ACCESS_PERM}[sys.argv[1]]
    target = sys.argv[2].encode()
    actions = sys.argv[3:]
    fan = check(libc.fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, os.O_RDONLY | os.O_LARGEFILE), "fanotify_init")
    check(libc.fanotify_mark(fan, FAN_MARK_ADD, event, AT_FDCWD, target), "fanotify_mark")
    print("ready", flush=True)
    fired = False
    while True:
        readable, _, _ = select.select([fan, sys.stdin], [], [])
        if sys.stdin in readable and not sys.stdin.readline():
            return
        if fan not in readable:
            continue
        buffer = os.read(fan, 4096)
        offset = 0
        while offset + METADATA.size <= len(buffer):
            length, _, _, _, mask, fd, pid = METADATA.unpack_from(buffer, offset)
            offset += length
            try:
                if not fired and mask & event:
                    fired = True
                    try:
                        for action in actions:
                            perform(action)
                        print(f"fired {pid}", flush=True)
                    except Exception as error:  # reported, and the held call still goes ahead
                        print(f"failed {error}", flush=True)
                os.write(fan, RESPONSE.pack(fd, FAN_ALLOW))
            finally:
                if fd >= 0:
                    os.close(fd)


main()

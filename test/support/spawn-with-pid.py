"""Starts a command with an exact PID: real PID reuse, on demand.

    spawn-with-pid.py PID CMD...

clone3 with set_tid (Linux 5.5, needs CAP_SYS_ADMIN) gives the child exactly PID if it
is free, and fails with EEXIST if a process has it. Unlike writing
/proc/sys/kernel/ns_last_pid, it does not move the kernel's PID cursor, so no other
process on the machine is handed a recently used PID because of us.

Prints the child's PID once it runs CMD (exec done, so /proc shows CMD, not python3),
or "EEXIST" and exits 3 when PID is taken. The child dies with us (PR_SET_PDEATHSIG),
so it never outlives the test; close our stdin to end both.
"""
import ctypes
import os
import signal
import struct
import sys

SYS_CLONE3 = 435  # x86-64
PR_SET_PDEATHSIG = 1

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def main():
    wanted = int(sys.argv[1])
    command = sys.argv[2:]
    tids = (ctypes.c_int * 1)(wanted)
    # struct clone_args up to set_tid_size (CLONE_ARGS_SIZE_VER1): flags, pidfd,
    # child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size.
    args = ctypes.create_string_buffer(
        struct.pack("=10Q", 0, 0, 0, 0, signal.SIGCHLD, 0, 0, 0, ctypes.addressof(tids), 1)
    )
    parent = os.getpid()
    # Closed by a successful exec (os.pipe fds are close-on-exec); else the child writes why.
    exec_done, exec_failed = os.pipe()
    pid = libc.syscall(SYS_CLONE3, args, ctypes.c_size_t(len(args.raw) - 1))
    if pid < 0:
        err = ctypes.get_errno()
        if err == 17:  # EEXIST
            print("EEXIST", flush=True)
            sys.exit(3)
        raise OSError(err, f"clone3: {os.strerror(err)}")
    if pid == 0:
        os.close(exec_done)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)
        try:
            os.execvp(command[0], command)
        except OSError as error:
            os.write(exec_failed, str(error).encode())
        os._exit(127)
    os.close(exec_failed)
    failure = os.read(exec_done, 4096)
    if failure:
        print(f"exec failed: {failure.decode()}", flush=True)
        os.waitpid(pid, 0)
        sys.exit(1)
    print(pid, flush=True)
    sys.stdin.readline()
    os.kill(pid, signal.SIGKILL)  # still our unreaped child: this cannot hit a reused PID
    os.waitpid(pid, 0)


main()

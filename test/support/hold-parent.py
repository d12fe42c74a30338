"""Runs a command as our child and does not reap it until told to.

Node reaps its own children at once, so a process killed under Node never stays a
zombie. Under this parent it does: the test kills the child, inspects the zombie, then
writes a line to our stdin (or closes it) and we reap it.
"""
import subprocess
import sys

child = subprocess.Popen(sys.argv[1:])
print(child.pid, flush=True)
sys.stdin.readline()
# Still ours until waited for, so this cannot hit a reused PID; a no-op on a zombie.
child.kill()
child.wait()

import { statSync } from 'node:fs';

/** Inode of the initial PID namespace, a fixed kernel constant (PROC_PID_INIT_INO). */
const INITIAL_PID_NAMESPACE_INODE = 0xeffffffc;

/**
 * Whether this process sees every PID on the machine. In a child PID namespace (a
 * container), a marker PID we cannot see may belong to a live process outside it.
 * When the namespace cannot be read we assume the worst: not initial.
 */
export function inInitialPidNamespace(): boolean {
  try {
    return statSync('/proc/self/ns/pid').ino === INITIAL_PID_NAMESPACE_INODE;
  } catch {
    return false;
  }
}

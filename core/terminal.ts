import { isTerminal as isatty } from '../native';

/** Whether `fd` is a terminal, asked of the kernel (isatty) without Node's tty streams, which a host may not need. */
export function isTerminal(fd: number): boolean {
  return isatty(fd);
}

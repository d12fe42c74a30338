/** Exit codes of every command: 0 done, 1 something failed (explained), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Output streams, passed in so commands can be tested without a terminal. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stdout is a terminal: JSON is indented for people, compact for programs. */
  outIsTerminal: boolean;
  /** Asks a yes/no question on the terminal; null when there is no terminal to ask on. */
  confirm: ((question: string) => Promise<boolean>) | null;
}

/** JSON as the contract prints it: indented on a terminal, compact (and faster) in a pipe. */
export function toJson(value: unknown, io: Io): string {
  return io.outIsTerminal ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

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
  /** Prints a value as the --json contract: indented on a terminal for people, compact (and faster) for programs. */
  json: (value: unknown) => void;
  /** Asks a yes/no question on the terminal; null when there is no terminal to ask on. */
  confirm: ((question: string) => Promise<boolean>) | null;
}

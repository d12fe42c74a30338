/**
 * A failed system call, surfaced with the errno name as `.code` (ENOENT, EACCES,
 * ENOSPC...), the way better-sqlite3 surfaces SqliteError. The addon throws plain
 * Errors carrying `code` and `syscall`; `toNativeError` gives them this class.
 */
export class NativeError extends Error {
  override readonly name = 'NativeError';
  constructor(
    readonly code: string,
    message: string,
    readonly syscall?: string,
  ) {
    super(message);
  }
}

export function toNativeError(error: unknown): unknown {
  if (error instanceof NativeError) return error;
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
    const { code, syscall } = error as Error & { code: string; syscall?: string };
    return new NativeError(code, error.message, syscall);
  }
  return error;
}

import type { ErrorValue } from '../../../protocol/channels';
import { formatDuration } from '../../../protocol/format';

/** A problem as the UI states it: what happened, and what the user can do about it. */
export interface Problem {
  title: string;
  action: string;
}

/** Turns an error value into words that say what to do; `dir` is the shm directory when known. */
export function describeProblem(error: ErrorValue, dir: string | null): Problem {
  const where = dir ?? '/dev/shm';
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return {
        title: `There is no shared-memory directory at ${where}`,
        action: `Mount a tmpfs there (sudo mount -t tmpfs -o mode=1777 tmpfs ${where}) or start the inspector with --dir pointing at one.`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        title: `Permission denied: ${error.message}`,
        action: `Run the inspector as a user that may read ${where}; as root it also sees every process's mappings.`,
      };
    case 'read-only':
      return {
        title: 'This host is read-only',
        action: 'It was started with --read-only: restart it without that option to create, clean or use the lab.',
      };
    case 'disconnected':
      return disconnectedProblem(null);
    default:
      return { title: error.message, action: `The engine answered ${error.code}.` };
  }
}

/** The problem of a lost connection, with when the next attempt starts. */
export function disconnectedProblem(retryInMs: number | null): Problem {
  const retry = retryInMs === null ? 'Reconnecting.' : `Reconnecting in ${formatDuration(retryInMs)}.`;
  return {
    title: 'Disconnected from the inspector host',
    action: `${retry} If it does not come back, restart shm-inspector serve and open the address it prints (that address carries the access token).`,
  };
}

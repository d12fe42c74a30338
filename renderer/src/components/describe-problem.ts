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

/** The host answers, but not to this page: it was restarted with a new token. */
export const REFUSED_PROBLEM: Problem = {
  title: 'The inspector host no longer accepts this page',
  action:
    'It was restarted, and each run has a new access token. Open the address it printed when it started (shm-inspector serve prints it).',
};

/** Why the actions that change something are off, or null when they are on. */
export function actionsOffReason(status: string, readOnly: boolean | null): string | null {
  if (status !== 'connected') return 'Not connected to the inspector host.';
  if (readOnly) return 'This host is read-only (started with --read-only): it creates and removes nothing.';
  return null;
}

/** The problem of a lost connection, with when the next attempt starts. */
export function disconnectedProblem(retryInMs: number | null): Problem {
  const retry = retryInMs === null ? 'Reconnecting.' : `Reconnecting in ${formatDuration(retryInMs)}.`;
  return {
    title: 'Disconnected from the inspector host',
    action: `${retry} If it does not come back, restart shm-inspector serve and open the address it prints (that address carries the access token).`,
  };
}

/** Errors as they leave the Inspector: values with a code, never exceptions (CONVENTIONS "The contract"). */
import type { ErrorValue } from '../../protocol/channels';
import { errorValue } from './inspector-api';

/** A request the service refuses with a code of its own (not-found...). */
export class RequestRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An error with a string `.code` (EngineError, Node's system errors, RequestRefused) keeps it; anything else is `internal`. */
export function toErrorValue(error: unknown): ErrorValue {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return errorValue(typeof code === 'string' ? code : 'internal', message);
}

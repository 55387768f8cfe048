// How the CLI tells what went wrong: every error carries the contract's error code, and one
// table turns that code into the process's exit code.
import type { ErrorCode } from '@contract';
import { errorCodeOf } from '@contract';

/** An error caused by what the user typed or pointed at (a flag, a file): one line, exit code 2. */
export class UserError extends Error {
  readonly errorCode: ErrorCode = 'bad-request';
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A contract call the core refused: `{ error: { code, message } }` as a throwable. */
export class CallError extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

/**
 * The CLI's one rule, by error code: the user's input is wrong (flags, the spec, a dataset or
 * model file, the backend asked for, a run id), wherever it was found — while parsing, in the
 * core, or by the training worker — exit 2 with one line; anything else (a crash, an
 * out-of-memory, a failed download) exits 1. A cancelled run exits 130 (see EXIT_CANCELLED).
 */
export const EXIT_CODES: Record<ErrorCode, number> = {
  'bad-request': 2,
  'not-found': 2,
  conflict: 2,
  'invalid-spec': 2,
  dataset: 2,
  model: 2,
  backend: 2,
  download: 1,
  internal: 1,
};

export const EXIT_CANCELLED = 130;

/** The exit code for an error that ended a command. */
export function exitCodeOf(err: unknown): number {
  const nodeCode = (err as { code?: unknown } | null)?.code;
  if (typeof nodeCode === 'string' && nodeCode.startsWith('ERR_PARSE_ARGS')) return EXIT_CODES['bad-request'];
  return EXIT_CODES[errorCodeOf(err)];
}

/** Whether an error is the user's to fix (exit 2), so no stack trace is worth showing. */
export function isUserMistake(err: unknown): boolean {
  return exitCodeOf(err) === 2;
}

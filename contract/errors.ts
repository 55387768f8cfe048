// Every error a face can be told, by an explicit code. Errors the core throws carry one of
// these codes as their `errorCode` property; dispatch() and the training worker read that code,
// never the error's class name, and each face maps codes to what it shows (the CLI: an exit code).
import { z } from 'zod';

export const errorCodeSchema = z.enum([
  /** The request is malformed or not possible as asked (an argument, a run's state). */
  'bad-request',
  'not-found',
  /** The request conflicts with the current state (e.g. an illegal status change). */
  'conflict',
  /** The experiment spec is invalid; `issues` names the fields. */
  'invalid-spec',
  /** A dataset cannot be read or does not fit the spec. */
  'dataset',
  /** A model cannot be built, loaded or adapted as the spec asks. */
  'model',
  /** The backend asked for cannot run here. */
  'backend',
  /** A download failed (the network, a mirror, a checksum): not the user's input. */
  'download',
  /** Anything else: a crash, an out-of-memory, a bug. */
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (errorCodeSchema.options as readonly string[]).includes(code);
}

/** The contract code an error carries, or 'internal' for one that carries none. */
export function errorCodeOf(err: unknown): ErrorCode {
  const code = (err as { errorCode?: unknown } | null)?.errorCode;
  return isErrorCode(code) ? code : 'internal';
}

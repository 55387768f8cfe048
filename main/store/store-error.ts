// The one error type the store throws for problems a caller can act on. `code` lets the
// IPC/HTTP wrappers map it to `{ error: { code, message } }` without parsing messages.

export type StoreErrorCode =
  /** No row with that id. */
  | 'not-found'
  /** An argument is malformed: the message names the field and what was expected. */
  | 'invalid'
  /** The request conflicts with the current state, e.g. an illegal status transition. */
  | 'conflict'
  /** The database file's schema is not one this app can use. */
  | 'schema';

/** What each store error is to the faces (the contract's error code). */
const CONTRACT_CODES = { 'not-found': 'not-found', invalid: 'bad-request', conflict: 'conflict', schema: 'bad-request' } as const;

export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
  }

  get errorCode(): (typeof CONTRACT_CODES)[StoreErrorCode] {
    return CONTRACT_CODES[this.code];
  }
}

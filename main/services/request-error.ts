/** A request the core refuses as asked (e.g. deleting a running run); the message says why. */
export class RequestError extends Error {
  readonly errorCode = 'bad-request';
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

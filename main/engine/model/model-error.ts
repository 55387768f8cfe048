// The one error type the models module throws for bad input (unknown layer names, class-count
// mismatches, unreadable model files), so callers can tell it from a tfjs bug.

export class ModelError extends Error {
  readonly errorCode = 'model';
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

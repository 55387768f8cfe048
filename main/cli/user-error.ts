/** An error caused by what the user typed or pointed at: printed as one line, exit code 2. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Errors that mean the user's input is wrong (the spec, a dataset or model file, the backend
 * asked for, a run id), wherever they are found: while parsing, in the service, or by the
 * training worker. The CLI's one rule: these exit 2 with one line; anything else exits 1.
 */
const USER_INPUT_ERRORS = ['UserError', 'SpecError', 'DatasetError', 'ModelError', 'BackendUnavailableError', 'ExperimentError', 'StoreError'];

export function isUserInputError(name: string | undefined): boolean {
  return name !== undefined && USER_INPUT_ERRORS.includes(name);
}

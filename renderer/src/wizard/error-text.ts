// Turns what the core (or the connection) threw into words for the place it is shown:
// what happened, and what to do about it.
import { ApiCallError } from '../lib/api';

export interface ErrorText {
  message: string;
  hint: string;
}

const HINTS: Record<string, string> = {
  'bad-request': 'Check the values entered here and try again.',
  'not-found': 'It may have been deleted; choose another one from the list.',
  conflict: 'Wait for the running work to finish, or cancel it, and try again.',
  'invalid-spec': 'Correct the fields named above and try again.',
  dataset: 'Check that the path exists on the computer running Transfer Lab and that the files have the chosen format.',
  model: 'Check the model choice (architecture, input size, classes) or pick another model.',
  internal: 'This is a bug in Transfer Lab; try again, and if it repeats, report it with this message.',
};

/** A mistake in what the person gave (a wrong file, say): shown with its own advice, never "report it". */
export class UserMistake extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'UserMistake';
  }
}

export function errorText(err: unknown): ErrorText {
  if (err instanceof UserMistake) return { message: err.message, hint: err.hint };
  if (err instanceof ApiCallError) {
    const issues = err.issues?.length ? ` (${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})` : '';
    return { message: `${err.message}${issues}`, hint: HINTS[err.code] ?? HINTS.internal };
  }
  if (err instanceof TypeError) {
    return { message: `Transfer Lab's core did not answer: ${err.message}.`, hint: 'Check that the app (or `transfer-lab web`) is still running, then try again.' };
  }
  return { message: err instanceof Error ? err.message : String(err), hint: 'Try again; if it repeats, report it with this message.' };
}

// The tfjs backend of the process that serves the UI (summaries and predictions; training
// happens in worker processes). Chosen once, lazily, so starting the app stays fast.
import { selectBackend, type BackendChoice } from '../engine/backend';

let choice: Promise<BackendChoice> | undefined;

export function ensureBackend(): Promise<BackendChoice> {
  choice ??= selectBackend('auto');
  return choice;
}

// Builds main, preload, worker and CLI once before any test, so tests that start
// real processes (worker, CLI, browser-mode server) run the same JS users run.
import { buildMain } from '../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await buildMain({ quiet: true });
}

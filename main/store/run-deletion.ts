// Deleting runs so that, as the user sees it, either everything goes or nothing does.
// A run is rows in the database plus its folder (runs/<runId>). Each folder is first renamed
// aside to runs/.deleted-<runId>-…: one rename, which either happens or not. Only when every
// folder has moved are the rows deleted, in one transaction; if a folder cannot move (a file
// in it is open, as Windows refuses then) the moved ones go back and nothing is deleted. The
// renamed folders are then removed; one that cannot be removed yet (a scanner holds a file)
// is swept the next time the store opens, and nothing lists it meanwhile.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeRetryingSync, renameRetryingSync } from '../engine/fs-retry';
import { isWithinFolder } from '../folder-containment';
import { StoreError } from './store-error';

const DELETED_PREFIX = '.deleted-';

export interface RunFolder {
  runId: string;
  runDir: string | null;
}

/**
 * Moves the runs' folders aside, runs `deleteRows` (a transaction), then removes the folders.
 * Folders outside <dataFolder>/runs are never touched, so a bad run_dir cannot delete anything else.
 */
export function deleteWithFolders<T>(dataFolder: string | null, runs: RunFolder[], deleteRows: () => T): T {
  const runsRoot = dataFolder === null ? null : path.resolve(dataFolder, 'runs');
  const moved: { from: string; to: string }[] = [];
  const putBack = () => {
    for (const { from, to } of moved.reverse()) {
      try {
        renameRetryingSync(to, from);
      } catch {
        // It stays under its .deleted- name; the rows are intact, so the run shows without its files.
      }
    }
  };
  for (const run of runs) {
    if (runsRoot === null || !run.runDir) continue;
    const dir = path.resolve(run.runDir);
    if (!isWithinFolder(runsRoot, dir) || dir.length <= runsRoot.length || !fs.existsSync(dir)) continue;
    const to = path.join(runsRoot, `${DELETED_PREFIX}${run.runId}-${randomBytes(4).toString('hex')}`);
    try {
      renameRetryingSync(dir, to);
    } catch (error) {
      putBack();
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new StoreError(
        'conflict',
        `cannot delete run ${run.runId}: its folder ${dir} is in use (${code}); close any program using its files and try again. Nothing was deleted.`,
      );
    }
    moved.push({ from: dir, to });
  }
  let result: T;
  try {
    result = deleteRows();
  } catch (error) {
    putBack();
    throw error;
  }
  for (const { to } of moved) {
    try {
      removeRetryingSync(to);
    } catch {
      // Swept at the next open (sweepDeletedRunFolders).
    }
  }
  return result;
}

/** Removes folders a previous delete renamed aside but could not remove. Best effort. */
export function sweepDeletedRunFolders(dataFolder: string): void {
  const runsRoot = path.join(dataFolder, 'runs');
  let names: string[];
  try {
    names = fs.readdirSync(runsRoot);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(DELETED_PREFIX)) continue;
    try {
      fs.rmSync(path.join(runsRoot, name), { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // Still locked: the next open tries again.
    }
  }
}

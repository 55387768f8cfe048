// Durable file writes shared by model saving, checkpoints and downloads. A file is flushed to
// disk before it gets its real name, and the folder is flushed after the rename, so a crash or
// power loss leaves either the old file or the complete new one, never a torn one.
import { promises as fs } from 'node:fs';
import { renameRetrying } from './fs-retry';

/** Writes `file` and flushes it to disk before returning. */
export async function writeFileSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` to a temporary name beside `file`, flushes it, then renames it over `file`.
 * Call syncFolder on the folder afterwards to make the rename itself durable.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFileSynced(temporary, data);
  try {
    // Replacing a file a scanner has open briefly fails on Windows; wait it out.
    await renameRetrying(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Makes renames in `folder` durable. Windows cannot open a folder for syncing; there, rename is as good as it gets. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r').catch(() => null);
  if (handle == null) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the files themselves are already synced.
  } finally {
    await handle.close();
  }
}

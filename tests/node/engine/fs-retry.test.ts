// Renames and removals that wait out a transient file lock (Windows: antivirus, indexer).
// The retry policy is tested with operations that fail as a locked file does; the lock
// itself is real on Windows, where a folder holding an open file cannot be renamed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renameRetrying, retryTransient, retryTransientSync } from '../../../main/engine/fs-retry';

const lockError = (code: string) => Object.assign(new Error(`${code}: resource busy or locked`), { code });

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-fs-retry-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

describe('retryTransient', () => {
  it('retries EBUSY, EPERM and EACCES with growing pauses until the operation succeeds', async () => {
    for (const code of ['EBUSY', 'EPERM', 'EACCES']) {
      const times: number[] = [];
      const result = await retryTransient(async () => {
        times.push(performance.now());
        if (times.length < 3) throw lockError(code);
        return 'done';
      }, [30, 60]);
      expect(result).toBe('done');
      expect(times).toHaveLength(3);
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(25);
      expect(times[2] - times[1]).toBeGreaterThanOrEqual(55);
    }
  });

  it('passes other errors on at once, and a lasting lock after the last pause', async () => {
    let calls = 0;
    const missing = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const failMissing = async () => {
      calls++;
      throw missing;
    };
    await expect(retryTransient(failMissing, [10, 10])).rejects.toBe(missing);
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryTransient(async () => { calls++; throw lockError('EBUSY'); }, [5, 5, 5])).rejects.toThrow(/EBUSY/);
    expect(calls).toBe(4);
  });

  it('has a synchronous form that blocks between attempts', () => {
    let calls = 0;
    const started = performance.now();
    const value = retryTransientSync(() => {
      if (++calls < 3) throw lockError('EPERM');
      return calls;
    }, [20, 20]);
    expect(value).toBe(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});

describe('renameRetrying on a real folder', () => {
  it.runIf(process.platform === 'win32')('Windows: a folder holding an open file cannot be renamed; renameRetrying waits until the file is closed', async () => {
    const folder = path.join(dir, 'last');
    fs.mkdirSync(folder);
    const handle = fs.openSync(path.join(folder, 'weights.bin'), 'w');
    let plain: NodeJS.ErrnoException | null = null;
    try {
      fs.renameSync(folder, path.join(dir, 'plain'));
    } catch (error) {
      plain = error as NodeJS.ErrnoException;
    }
    expect(['EPERM', 'EACCES', 'EBUSY']).toContain(plain?.code);
    setTimeout(() => fs.closeSync(handle), 150);
    await renameRetrying(folder, path.join(dir, 'moved'));
    expect(fs.existsSync(path.join(dir, 'moved', 'weights.bin'))).toBe(true);
  });

  it.runIf(process.platform !== 'win32')('POSIX: a folder holding an open file renames at the first try (the lock above exists only on Windows)', () => {
    const folder = path.join(dir, 'last');
    fs.mkdirSync(folder);
    const handle = fs.openSync(path.join(folder, 'weights.bin'), 'w');
    try {
      fs.renameSync(folder, path.join(dir, 'moved'));
      expect(fs.existsSync(path.join(dir, 'moved', 'weights.bin'))).toBe(true);
    } finally {
      fs.closeSync(handle);
    }
  });
});

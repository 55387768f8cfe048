// Exit codes in words: Windows crash statuses (NTSTATUS) are named, out-of-memory ones are
// reported as such, ordinary codes stay numbers. The last test crashes a real worker
// process with an NTSTATUS exit and reads what the supervisor recorded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeExitCode, isOutOfMemoryExit } from '../../../main/training/exit-codes';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { forkLauncher } from '../../../main/training/launcher';
import { tinySpec } from './tiny-specs';

describe('describeExitCode', () => {
  it('names the common Windows crash statuses, signed or unsigned', () => {
    expect(describeExitCode(3221225477)).toBe('code 0xC0000005 (access violation: a crash in native code)');
    expect(describeExitCode(-1073741819)).toBe('code 0xC0000005 (access violation: a crash in native code)');
    expect(describeExitCode(0xc00000fd)).toBe('code 0xC00000FD (stack overflow)');
    expect(describeExitCode(0xc0000409)).toMatch(/^code 0xC0000409 \(fast fail/);
    expect(describeExitCode(0xc0000017)).toBe('code 0xC0000017 (out of memory)');
    expect(describeExitCode(0xc0000999)).toBe('code 0xC0000999 (a Windows crash status)');
  });

  it('leaves ordinary codes as numbers', () => {
    expect(describeExitCode(1)).toBe('code 1');
    expect(describeExitCode(134)).toBe('code 134');
    expect(describeExitCode(null)).toBe('code null');
  });

  it('recognises out-of-memory exits', () => {
    expect(isOutOfMemoryExit(0xc0000017)).toBe(true);
    expect(isOutOfMemoryExit(0xc000012d)).toBe(true);
    expect(isOutOfMemoryExit(0xc0000005)).toBe(false);
    expect(isOutOfMemoryExit(1)).toBe(false);
  });
});

describe('a worker process that crashes', () => {
  let dir: string;
  let app: AppContext | undefined;
  afterEach(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('is recorded with its exit in words (Windows: the NTSTATUS name; POSIX keeps the low byte, 5)', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-exit-codes-'));
    // Ends as a crashed native module would on Windows: with the access-violation status.
    const crashing = path.join(dir, 'crashing-worker.js');
    fs.writeFileSync(crashing, 'process.exit(-1073741819);\n');
    app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite'), launcher: forkLauncher(crashing) });
    const started = app.experiments.start(tinySpec());
    const outcome = await started.done;
    expect(outcome.status).toBe('failed');
    const error = app.store.runs.require(started.runs[0].id).error;
    expect(error).toMatch(
      process.platform === 'win32'
        ? /the training process exited with code 0xC0000005 \(access violation: a crash in native code\) before finishing/
        : /the training process exited with code 5 before finishing/,
    );
  });
});

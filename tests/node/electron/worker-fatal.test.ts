// The training worker reports an error nothing caught over its message channel before it
// dies, so the cause reaches the run even when its stderr is not read to the end (Electron
// stops reading a utility process's stderr at 'exit'). A real worker process
// (dist/main/worker.js, forked as the CLI does) with a preloaded module that throws later.
import { afterEach, describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workerFile } from '../../../main/paths';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('training worker', () => {
  it("sends 'failed' with the message of an uncaught error, then exits 1", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-worker-fatal-'));
    const thrower = path.join(dir, 'throw-later.js');
    fs.writeFileSync(thrower, "setTimeout(() => { throw new Error('boom from a test'); }, 200);\n");
    const child = fork(workerFile(), [], { execArgv: ['--require', thrower], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    const messages: { type: string; message?: string }[] = [];
    child.on('message', (m) => messages.push(m as { type: string; message?: string }));
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(messages.map((m) => m.type)).toEqual(['ready', 'failed']);
    expect(messages[1].message).toBe('uncaught error in the training process: boom from a test');
    expect(stderr).toContain('boom from a test');
  }, 30_000);
});

// Heavy requests leave the process that serves the window: the real helper process (built,
// started with child_process.fork as the CLI and browser mode do) answers them, keeps error
// codes across the boundary, and a helper that dies fails only the requests it held.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HelperClient, HelperError } from '../../../main/services/helper-client';
import { forkLauncher } from '../../../main/training/launcher';
import { helperFile } from '../../../main/paths';
import type { FromHelper, ToHelper } from '../../../main/training/helper-protocol';

let dir: string;
let helper: HelperClient;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-helper-'));
  helper = new HelperClient(forkLauncher<ToHelper, FromHelper>(helperFile()));
});
afterEach(() => {
  helper.close();
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('the helper process', () => {
  it('answers in a process of its own, and stays up for the next request', async () => {
    const backend = await helper.request('backend', {});
    expect(backend.name).toBe('wasm');
    const pid = helper.pid;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    const preview = await helper.request('preview', { dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 5 }, seed: 1, perClass: 2, dataFolder: dir });
    expect(preview.classNames.length).toBeGreaterThan(1);
    expect(preview.samples.length).toBeGreaterThan(0);
    const summary = await helper.request('summaryOfArchitecture', { architecture: 'mlp', inputShape: [28, 28, 1], numClasses: 10 });
    expect(summary.totalParams).toBeGreaterThan(0);
    expect(helper.pid).toBe(pid);
  });

  it("keeps the error's contract code: a missing dataset folder is the user's input", async () => {
    const missing = path.join(dir, 'no-such-folder');
    const failure = await helper.request('preview', { dataset: { kind: 'folder', path: missing }, seed: 1, dataFolder: dir }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(HelperError);
    expect(failure).toMatchObject({ errorCode: 'dataset', message: expect.stringContaining('no-such-folder') });
  });

  it('a helper that dies fails the requests it held with the reason; the next request starts a fresh one', async () => {
    await helper.request('backend', {});
    const first = helper.pid!;
    const held = helper.request('preview', { dataset: { kind: 'builtin', name: 'shapes' }, seed: 2, dataFolder: dir }).catch((err: unknown) => err);
    process.kill(first, 'SIGKILL');
    const failure = await held;
    expect(failure).toBeInstanceOf(HelperError);
    expect(failure).toMatchObject({ errorCode: 'internal', message: expect.stringMatching(/helper process was killed by SIGKILL/) });
    expect((await helper.request('backend', {})).name).toBe('wasm');
    expect(helper.pid).not.toBe(first);
  });
});

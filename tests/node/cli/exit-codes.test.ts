// The CLI's exit codes come from one table keyed by the contract's error code, which every
// error of the core carries explicitly (never read from its class name). Real error classes,
// real dispatch(); no process is started here (cli.test.ts runs the built bin).
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorCodeOf } from '@contract';
import { SpecError } from '@contract/spec';
import { DatasetError } from '../../../main/engine/data/datasets/dataset';
import { ModelError } from '../../../main/engine/model/model-error';
import { BackendUnavailableError } from '../../../main/engine/accel/backend';
import { DownloadError } from '../../../main/engine/data/downloads/download-error';
import { StoreError } from '../../../main/store/store-error';
import { ExperimentError } from '../../../main/services/experiments';
import { RequestError } from '../../../main/services/request-error';
import { toApiError } from '../../../main/services/dispatch';
import { createAppContext } from '../../../main/services/app-context';
import { createHandlers } from '../../../main/services/handlers';
import { dispatch } from '../../../main/services/dispatch';
import { CallError, UserError, exitCodeOf } from '../../../main/cli/user-error';

describe('errors carry the contract code', () => {
  it.each([
    [new SpecError('bad spec', []), 'invalid-spec', 2],
    [new DatasetError('no such folder'), 'dataset', 2],
    [new ModelError('no such layer'), 'model', 2],
    [new BackendUnavailableError('tensorflow-gpu', 'not installed'), 'backend', 2],
    [new ExperimentError('run is running'), 'bad-request', 2],
    [new RequestError('cannot delete'), 'bad-request', 2],
    [new StoreError('not-found', 'no run'), 'not-found', 2],
    [new StoreError('conflict', 'cannot go from completed to running'), 'conflict', 2],
    [new StoreError('invalid', 'run patch: unknown field'), 'bad-request', 2],
    [new UserError('--limit must be a positive whole number'), 'bad-request', 2],
    [new DownloadError('mirror answered 503', 'http'), 'download', 1],
    [new Error('something broke'), 'internal', 1],
  ] as const)('%s → %s, exit %d', (err, code, exit) => {
    expect(errorCodeOf(err)).toBe(code);
    expect(toApiError(err).code).toBe(code);
    expect(exitCodeOf(err)).toBe(exit);
  });

  it('a class named like a user error but without a code is a crash, not a mistake', () => {
    const impostor = new Error('looks like a dataset error');
    impostor.name = 'DatasetError';
    expect(errorCodeOf(impostor)).toBe('internal');
    expect(exitCodeOf(impostor)).toBe(1);
  });

  it("node's own flag errors are the user's mistake", () => {
    let thrown: unknown;
    try {
      parseArgs({ args: ['--nope'], options: {}, strict: true });
    } catch (err) {
      thrown = err;
    }
    expect(exitCodeOf(thrown)).toBe(2);
  });

  it('a refused dispatch() call keeps its code on the way to the exit code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-exit-codes-'));
    const app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
    try {
      const answer = await dispatch(createHandlers(app, 'cli'), 'runs.get', { runId: 'zzzz' });
      expect('error' in answer && answer.error.code).toBe('not-found');
      if (!('error' in answer)) return;
      expect(exitCodeOf(new CallError(answer.error.code, answer.error.message))).toBe(2);
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    }
  });
});

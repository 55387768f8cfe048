// The CLI against files and histories a clumsy user or an attacker hands it: spec files from
// Windows editors, folders, hostile run bundles, odd stored values, and a reader that hangs up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStore } from '../../../main/store';
import { importRunBundle } from '../../../main/services/run-bundle';
import { runsToCsv } from '../../../main/services/runs-csv';
import { createAppContext } from '../../../main/services/app-context';
import { createHandlers } from '../../../main/services/handlers';
import { dispatch } from '../../../main/services/dispatch';
import { CLI_BIN, runCli } from './run-cli';

const bin = CLI_BIN;
let dir: string;

const cli = (args: string[]) => runCli(dir, args);

/** A small valid run bundle, as another Transfer Lab exports it. */
function bundle(run: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    format: 'transfer-lab-run',
    version: 1,
    run: {
      id: 'r1', experimentName: 'imported', role: 'source', name: null, status: 'completed',
      createdAt: 1_700_000_000_000, startedAt: 1_700_000_000_000, endedAt: 1_700_000_060_000, error: null,
      hyperparams: { epochs: 1 }, frozenLayers: [], environment: { backend: 'wasm' }, dataset: null,
      datasetName: 'shapes', architecture: 'mlp', notes: '', tags: [], ...run,
    },
    experimentSpec: null,
    metrics: [{ name: 'loss', epoch: [1], step: [null], value: [0.5], wallMs: [1_700_000_030_000] }],
    evaluations: [],
    ...extra,
  };
}

function writeFile(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-input-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('spec and bundle files', () => {
  // A spec that parses as JSON but lacks `source`: reaching the schema proves the file was read.
  const json = JSON.stringify({ name: 'from windows' });

  it('reads UTF-8 with a byte-order mark (Notepad)', async () => {
    const result = await cli(['run', writeFile('bom.json', '\ufeff' + json)]);
    expect(result.stderr).not.toMatch(/not valid JSON/);
    expect(result.stderr).toMatch(/source/);
    expect(result.code).toBe(2);
  });

  it('reads UTF-16 from Windows PowerShell, with or without a byte-order mark, little- or big-endian', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [name, bytes] of [['le.json', le], ['be.json', be], ['le-nobom.json', Buffer.from(json, 'utf16le')]] as const) {
      const result = await cli(['run', writeFile(name, bytes)]);
      expect(result.stderr, name).not.toMatch(/not valid JSON/);
      expect(result.stderr, name).toMatch(/source/);
    }
    const imported = await cli(['import', writeFile('bundle-utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(bundle()), 'utf16le')]))]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^imported run/);
  });

  it('says a folder is not a spec file, in one line', async () => {
    const folder = path.join(dir, 'a-folder');
    fs.mkdirSync(folder);
    const result = await cli(['run', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/a-folder is a folder: the spec must be a JSON file/);
    expect(result.stderr).not.toMatch(/EISDIR/);
  });

  it('refuses bytes that are not text, naming the file', async () => {
    const result = await cli(['run', writeFile('binary.json', Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/binary\.json is not UTF-8 or UTF-16 text/);
  });
});

describe('run bundles with values the app cannot show', () => {
  it('refuses them naming the field, as a request error (HTTP 4xx), never a database error', () => {
    const store = createStore(':memory:');
    const refuse = (input: unknown) => {
      try {
        importRunBundle(store, input);
      } catch (err) {
        expect((err as Error).name).toBe('RequestError');
        return (err as Error).message;
      }
      throw new Error('the bundle was accepted');
    };
    expect(refuse(bundle({ createdAt: 9007199254740991 }))).toMatch(/run\.createdAt: Too big/);
    expect(refuse(bundle({ endedAt: 1e308 }))).toMatch(/run\.endedAt/);
    expect(refuse(bundle({ environment: { backend: { toString: 1 } } }))).toMatch(/run\.environment\.backend: .*string/);
    expect(refuse(bundle({}, { metrics: [{ name: 'loss', epoch: [1], step: [null], value: [0.5], wallMs: [1.5] }] }))).toMatch(/metrics\[0\]\.wallMs\[0\]/);
    expect(refuse(bundle({}, { metrics: [{ name: 'loss', epoch: [1], step: [null], value: [0.5], wallMs: [1e308] }] }))).toMatch(/metrics\[0\]\.wallMs\[0\]/);
    expect(store.runs.list().total).toBe(0);
    store.close();
  });

  it('answers browser mode and the desktop app with bad-request (HTTP 400) naming the field, not internal', async () => {
    const app = createAppContext({ databaseFile: path.join(dir, 'dispatch.sqlite') });
    try {
      const answer = await dispatch(createHandlers(app, 'browser'), 'runs.importBundle', { bundle: bundle({ environment: { backend: { toString: 1 } } }) });
      expect(answer).toMatchObject({ error: { code: 'bad-request', message: expect.stringMatching(/run\.environment\.backend/) } });
    } finally {
      await app.close();
    }
  });
});

describe('a history holding odd values', () => {
  it('lists, shows and exports every run, one odd row hiding none, and prints stored text inertly', async () => {
    const home = path.join(dir, 'transfer-lab.sqlite');
    const store = createStore(home);
    const hostile = importRunBundle(store, bundle({ experimentName: 'evil\u001b]0;pwned\u0007\u001b[31mred\nforged line', error: 'bad\r\nthing', status: 'failed' }));
    const normal = importRunBundle(store, bundle({ experimentName: 'plain' }));
    // A value stored by an earlier version that accepted any integer.
    store.db.prepare('UPDATE runs SET created_at = ?, ended_at = ? WHERE id = ?').run(9007199254740991, 9007199254740991, hostile.id);
    const csv = runsToCsv(store.runs.list().rows);
    expect(csv).toContain(hostile.id);
    expect(csv).toContain(normal.id);
    store.close();

    const runs = await cli(['runs']);
    expect(runs.code).toBe(0);
    expect(runs.stderr).toBe('');
    const lines = runs.stdout.trim().split('\n');
    expect(lines.filter((l) => l.includes(hostile.id))).toHaveLength(1);
    expect(lines.some((l) => l.includes(normal.id))).toBe(true);
    expect(runs.stdout).not.toContain('\u001b');
    expect(runs.stdout).toContain('evil\\x1b]0;pwned\\x07\\x1b[31mred\\nforged line');

    const show = await cli(['show', hostile.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).not.toContain('\u001b');
    expect(show.stdout).not.toContain('\r');
    expect(show.stdout).toContain('bad\\r\\nthing');
  });
});

describe('a reader that hangs up', () => {
  it('`runs | head -1` exits quietly, without a stack trace', async () => {
    const store = createStore(path.join(dir, 'transfer-lab.sqlite'));
    for (let i = 0; i < 400; i++) importRunBundle(store, bundle({ experimentName: `run number ${i} ${'x'.repeat(100)}` }));
    store.close();
    const child = spawn(process.execPath, [bin, 'runs', '--limit', '400'], { env: { ...process.env, TRANSFER_LAB_HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

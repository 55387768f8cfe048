// The contract against the real core: answers of real handlers parse with the contract's
// result schemas, and the dispatch wrapper refuses bad calls without touching the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { methods, events, type ContractEvent, type RunDetail } from '@contract';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { createHandlers, type Handlers } from '../../../main/services/handlers';
import { dispatch } from '../../../main/services/dispatch';
import { tinySpec } from '../training/tiny-specs';

let dir: string;
let app: AppContext;
let handlers: Handlers;
const seen: ContractEvent[] = [];
let experimentId: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-contract-'));
  app = createAppContext({ databaseFile: path.join(dir, 'db.sqlite') });
  handlers = createHandlers(app, 'browser');
  app.events.subscribe((e) => seen.push(e));
  const started = await dispatch(handlers, 'experiments.start', { spec: tinySpec({ baseline: true }) });
  if ('error' in started) throw new Error(started.error.message);
  experimentId = (started.result as { experimentId: string }).experimentId;
  await app.supervisor.get(experimentId)?.done;
}, 120_000);

afterAll(async () => {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

async function ok(method: keyof typeof methods, args: unknown): Promise<unknown> {
  const response = await dispatch(handlers, method, args);
  if ('error' in response) throw new Error(`${method}: ${response.error.message}`);
  const parsed = methods[method].result.safeParse(response.result);
  if (!parsed.success) throw new Error(`${method} answered outside its schema: ${parsed.error.message}`);
  return response.result;
}

describe('contract answers from the real core', () => {
  it('every read method answers within its result schema', async () => {
    const report = (await ok('experiments.get', { experimentId })) as { runs: { id: string; role: string }[] };
    const target = report.runs.find((r) => r.role === 'target')!;
    const source = report.runs.find((r) => r.role === 'source')!;
    await ok('app.info', {});
    await ok('runs.list', { sort: 'testAccuracy', order: 'desc', limit: 10 });
    await ok('runs.get', { runId: target.id });
    await ok('runs.compare', { runIds: [source.id, target.id] });
    await ok('runs.exportCsv', { role: 'target' });
    await ok('runs.exportBundle', { runId: target.id });
    await ok('models.summary', { runId: target.id });
    await ok('models.summary', { architecture: 'small-cnn', inputShape: [28, 28, 1], numClasses: 10 });
    await ok('datasets.preview', { dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 5 }, perClass: 2 });
    await ok('experiments.running', {});
    const facets = (await ok('runs.facets', {})) as { datasets: { name: string; runs: number }[] };
    expect(facets.datasets.reduce((n, d) => n + d.runs, 0)).toBe(3);
    await ok('experiments.validate', { spec: { name: 'x' } });
  });

  it('events relayed from a real run fit the contract', () => {
    expect(seen.length).toBeGreaterThan(5);
    for (const { name, payload } of seen) {
      expect(events[name].safeParse(payload).success).toBe(true);
    }
    expect(seen.some((e) => e.name === 'run-epoch')).toBe(true);
  });

  it('a run that starts tells its backend, so no face has to ask for it', () => {
    const running = seen.filter((e) => e.name === 'run-status' && e.payload.status === 'running');
    expect(running).toHaveLength(3);
    for (const event of running) expect(event.payload).toMatchObject({ backend: 'wasm' });
    const evaluations = seen.filter((e) => e.name === 'run-evaluation');
    for (const event of evaluations) expect(event.payload).toMatchObject({ count: expect.any(Number) });
  });

  it('experiment-finished reaches the faces with the transfer gain already recorded', async () => {
    const finished = seen.find((e) => e.name === 'experiment-finished');
    expect(finished?.payload).toMatchObject({ experimentId, status: 'completed', transferGain: { accuracyDelta: expect.any(Number) } });
    const report = (await ok('experiments.get', { experimentId })) as { transferGain: { accuracyDelta: number } | null };
    expect(finished?.name === 'experiment-finished' && finished.payload.transferGain?.accuracyDelta).toBe(report.transferGain?.accuracyDelta);
  });

  it('the runs list CSV holds the runs with a header, and the gain on the target run', async () => {
    const { csv } = (await ok('runs.exportCsv', {})) as { csv: string };
    // A UTF-8 byte-order mark first, so Excel shows non-ASCII names.
    expect(csv.startsWith('\ufeffid,experiment,')).toBe(true);
    const lines = csv.slice(1).trim().split('\r\n');
    const header = lines[0].split(',');
    expect(header).toContain('test_accuracy');
    expect(lines).toHaveLength(4);
    const report = (await ok('experiments.get', { experimentId })) as { transferGain: { accuracyDelta: number } };
    // Fields may be quoted (names hold commas): split outside quotes only.
    const fields = (line: string) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1]);
    const cell = (line: string, name: string) => fields(line)[header.indexOf(name)];
    const target = lines.slice(1).find((l) => cell(l, 'role') === 'target')!;
    expect(Number(cell(target, 'transfer_gain'))).toBeCloseTo(report.transferGain.accuracyDelta, 10);
    expect(lines.slice(1).filter((l) => cell(l, 'role') !== 'target').map((l) => cell(l, 'transfer_gain'))).toEqual(['', '']);
  });

  it('the transfer gain comes with the test-set size and a paired 95 % interval around it', async () => {
    const report = (await ok('experiments.get', { experimentId })) as {
      runs: { role: string; evaluation: { accuracy: number } | null }[];
      transferGain: { accuracyDelta: number; testCount: number; reachedOn: string; interval: { low: number; high: number; level: number } };
    };
    const gain = report.transferGain;
    expect(gain.testCount).toBeGreaterThan(0);
    expect(gain.reachedOn).toBe('validation');
    expect(gain.interval.level).toBe(0.95);
    expect(gain.interval.low).toBeLessThanOrEqual(gain.accuracyDelta);
    expect(gain.interval.high).toBeGreaterThanOrEqual(gain.accuracyDelta);
  });

  it('predicts on an uploaded image and exports the model', async () => {
    const sharp = (await import('sharp')).default;
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const report = (await ok('experiments.get', { experimentId })) as { runs: { id: string; role: string }[] };
    const target = report.runs.find((r) => r.role === 'target')!;
    const { predictions } = (await ok('models.predict', { runId: target.id, images: [`data:image/png;base64,${png.toString('base64')}`], top: 2 })) as {
      predictions: { top: { className: string; probability: number }[] }[];
    };
    expect(predictions[0].top.map((t) => t.className).sort()).toEqual(['circle', 'square']);
    expect(predictions[0].top[0].probability + predictions[0].top[1].probability).toBeCloseTo(1, 4);
    const out = path.join(dir, 'exported');
    await ok('models.export', { runId: target.id, folder: out });
    expect(fs.existsSync(path.join(out, 'model.json'))).toBe(true);
  });
});

describe('run bundles', () => {
  it('a run exported here imports into another Transfer Lab as the same finished run', async () => {
    const report = (await ok('experiments.get', { experimentId })) as { runs: { id: string; role: string }[] };
    const target = report.runs.find((r) => r.role === 'target')!;
    const original = (await ok('runs.get', { runId: target.id })) as RunDetail;
    const { bundle } = (await ok('runs.exportBundle', { runId: target.id })) as { bundle: unknown };

    const other = createAppContext({ databaseFile: path.join(dir, 'other.sqlite') });
    try {
      const otherHandlers = createHandlers(other, 'browser');
      const imported = await dispatch(otherHandlers, 'runs.importBundle', { bundle: JSON.parse(JSON.stringify(bundle)) });
      if ('error' in imported) throw new Error(imported.error.message);
      const detail = await dispatch(otherHandlers, 'runs.get', { runId: (imported.result as { runId: string }).runId });
      if ('error' in detail) throw new Error(detail.error.message);
      const copy = detail.result as RunDetail;
      expect(copy.run).toMatchObject({ role: 'target', status: 'completed', testAccuracy: original.run.testAccuracy, hyperparams: original.run.hyperparams, frozenLayers: original.run.frozenLayers });
      expect(copy.run.endedAt! - copy.run.startedAt!).toBe(original.run.endedAt! - original.run.startedAt!);
      expect(copy.run.tags).toContain('imported');
      expect(copy.curves).toEqual(original.curves);
      expect(copy.report.evaluation).toEqual(original.report.evaluation);

      const refused = await dispatch(otherHandlers, 'runs.importBundle', { bundle: { format: 'something-else' } });
      expect('error' in refused && refused.error.message).toMatch(/not a Transfer Lab run bundle/);
    } finally {
      await other.close();
    }
  });
});

describe('dispatch refuses bad calls and writes nothing', () => {
  it('answers unknown methods and malformed arguments with errors', async () => {
    const before = app.store.db.prepare('SELECT (SELECT count(*) FROM experiments) e, (SELECT count(*) FROM runs) r').get();
    const bad: [unknown, unknown][] = [
      ['nope', {}],
      ['__proto__', {}],
      ['toString', {}],
      ['experiments.start', null],
      ['experiments.start', { spec: tinySpec(), extra: 1 }],
      ['experiments.start', { spec: { name: 'x', source: { dataset: { kind: 'builtin', name: 'mnist' }, model: { architecture: 'seed-cnn' } }, evil: true } }],
      ['experiments.start', JSON.parse('{"spec": {"__proto__": {"polluted": 1}}}')],
      ['runs.tag', { runId: 'x'.repeat(1_000_000), tag: 't' }],
      ['runs.tag', JSON.parse('{"runId": "abc", "tag": "t", "__proto__": {"polluted": 1}}')],
      ['runs.list', { limit: -1 }],
      ['runs.list', { sort: 'id; DROP TABLE runs' }],
      ['models.predict', { runId: 'abc', images: ['javascript:alert(1)'] }],
    ];
    for (const [method, args] of bad) {
      const response = await dispatch(handlers, method, args);
      expect('error' in response, `${String(method)} ${JSON.stringify(args)?.slice(0, 80)}`).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const after = app.store.db.prepare('SELECT (SELECT count(*) FROM experiments) e, (SELECT count(*) FROM runs) r').get();
    expect(after).toEqual(before);
  });

  it('names the bad field of an invalid spec', async () => {
    const response = await dispatch(handlers, 'experiments.start', { spec: { name: 'x', source: { dataset: { kind: 'builtin', name: 'mnist' }, model: { architecture: 'resnet' } } } });
    expect('error' in response && response.error.code).toBe('invalid-spec');
    expect('error' in response && response.error.message).toMatch(/source/);
  });
});

describe("Settings' Open for the data folder", () => {
  it('browser mode says it cannot open a window on the server’s desktop', async () => {
    expect(await ok('dialogs.showDataFolder', {})).toEqual({ opened: false, supported: false, problem: null });
  });

  it('the desktop app opens the data folder through its shell (a fake shell: no Electron binary here)', async () => {
    const opened: string[] = [];
    let problem = '';
    const shell = { showDataFolder: async () => (opened.push(app.dataFolder), problem), openFolder: async () => null, openFile: async () => null };
    const desktop = createHandlers(app, 'electron', shell);
    const first = await dispatch(desktop, 'dialogs.showDataFolder', {});
    expect(first).toEqual({ result: { opened: true, supported: true, problem: null } });
    expect(opened).toEqual([app.dataFolder]);
    problem = 'Failed to open path';
    const second = await dispatch(desktop, 'dialogs.showDataFolder', {});
    expect(second).toEqual({ result: { opened: false, supported: true, problem: 'Failed to open path' } });
    expect(methods['dialogs.showDataFolder'].result.safeParse('result' in second ? second.result : null).success).toBe(true);
  });
});

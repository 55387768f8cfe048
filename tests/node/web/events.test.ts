// Real calls reach the core and the store, and the event stream carries a real tiny
// training run's progress; step progress is throttled per run without losing the last
// step or the order of events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiCall, rowCounts, startWebFixture, type WebFixture } from './web-fixture';
import { tinySpec } from '../training/tiny-specs';
import { EventStream } from '../../../main/web/event-stream';
import { AppEvents } from '../../../main/services/app-events';
import type { ContractEvent } from '@contract';

interface Received {
  at: number;
  event: ContractEvent;
}

/** A minimal EventSource over node:http: collects `data:` messages as they arrive. */
function listen(url: string): Promise<{ received: Received[]; status: number; headers: http.IncomingHttpHeaders; close(): void; waitFor(pred: (e: ContractEvent) => boolean, ms?: number): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const received: Received[] = [];
    const waiters: { pred: (e: ContractEvent) => boolean; done: () => void }[] = [];
    const req = http.get(url, { agent: false }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!data) continue;
          const event = JSON.parse(data) as ContractEvent;
          received.push({ at: Date.now(), event });
          for (const w of waiters.filter((w) => w.pred(event))) w.done();
        }
      });
      resolve({
        received,
        status: res.statusCode ?? 0,
        headers: res.headers,
        close: () => req.destroy(),
        waitFor: (pred, ms = 60_000) =>
          new Promise<void>((ok, fail) => {
            if (received.some((r) => pred(r.event))) return ok();
            const timer = setTimeout(() => fail(new Error(`event not received within ${ms} ms; got ${received.map((r) => r.event.name).join(', ')}`)), ms);
            waiters.push({ pred, done: () => (clearTimeout(timer), ok()) });
          }),
      });
    });
    req.on('error', reject);
  });
}

describe('browser mode: real calls and events', () => {
  let fx: WebFixture;
  beforeAll(async () => {
    fx = await startWebFixture();
  });
  afterAll(() => fx?.close());

  it('starts a real experiment over HTTP, streams its progress and records its runs', async () => {
    const stream = await listen(`${fx.server.baseUrl}/api/events?token=${fx.server.token}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-store');

    const started = await apiCall(fx.server, 'experiments.start', { spec: tinySpec() });
    expect(started.status).toBe(200);
    const { result } = JSON.parse(started.body) as { result: { experimentId: string; runs: { id: string; role: string }[] } };
    expect(result.runs.map((r) => r.role)).toEqual(['source', 'target']);

    await stream.waitFor((e) => e.name === 'experiment-finished' && e.payload.experimentId === result.experimentId);
    stream.close();
    const events = stream.received.map((r) => r.event).filter((e) => 'experimentId' in e.payload && e.payload.experimentId === result.experimentId);
    for (const run of result.runs) {
      const mine = events.filter((e) => 'runId' in e.payload && e.payload.runId === run.id);
      const statuses = mine.flatMap((e) => (e.name === 'run-status' ? [e.payload.status] : []));
      expect(statuses.at(0), run.role).toBe('running');
      expect(statuses.at(-1), run.role).toBe('completed');
      const steps = mine.filter((e) => e.name === 'run-step');
      expect(steps.length, run.role).toBeGreaterThan(0);
      const epochs = mine.filter((e) => e.name === 'run-epoch');
      expect(epochs.map((e) => e.name === 'run-epoch' && e.payload.metrics.epoch)).toEqual([1]);
      // The last step of the epoch was delivered (not swallowed by the throttle), before the epoch.
      const lastStep = steps.at(-1)!;
      expect(lastStep.name === 'run-step' && lastStep.payload.progress.step === lastStep.payload.progress.stepsPerEpoch).toBe(true);
      expect(mine.indexOf(lastStep)).toBeLessThan(mine.indexOf(epochs[0]));
    }
    const finished = events.find((e) => e.name === 'experiment-finished');
    expect(finished?.name === 'experiment-finished' && finished.payload.status).toBe('completed');

    const list = await apiCall(fx.server, 'runs.list', { experimentId: result.experimentId });
    const page = JSON.parse(list.body).result as { total: number; rows: { id: string; status: string }[] };
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(page.rows.map((r) => r.id).sort()).toEqual(result.runs.map((r) => r.id).sort());
    const counts = rowCounts(fx.server.app.store);
    expect(counts.experiments).toBe(1);
    expect(counts.metrics).toBeGreaterThan(0);
    expect(counts.evaluations).toBe(2);
  });

  it('streams a study\'s progress and its end, as the Study page follows it', async () => {
    const stream = await listen(`${fx.server.baseUrl}/api/events?token=${fx.server.token}`);
    const started = await apiCall(fx.server, 'studies.start', { spec: { seeds: 2, freeze: ['none'], experiment: tinySpec() } });
    expect(started.status).toBe(200);
    const { studyId, total } = JSON.parse(started.body).result as { studyId: string; total: number };
    expect(total).toBe(6);
    await stream.waitFor((e) => e.name === 'study-finished' && e.payload.studyId === studyId, 120_000);
    stream.close();
    const progress = stream.received.map((r) => r.event).flatMap((e) => (e.name === 'study-progress' && e.payload.studyId === studyId ? [e.payload] : []));
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p) => p.total === 6)).toBe(true);
    const done = progress.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ done: 6, failed: 0, running: 0, cellsDone: 1, cells: 1, etaMs: 0 });
    const end = stream.received.find((r) => r.event.name === 'study-finished')!.event;
    expect(end.payload).toEqual({ studyId, status: 'completed' });
  });
});

describe('event stream throttling', () => {
  it('sends at most one step per run per interval, keeps the last step and the order of events', async () => {
    // The app's one event stream throttles; browser mode's SSE carries what it delivers.
    const appEvents = new AppEvents(100);
    const stream = new EventStream();
    appEvents.subscribe((event) => stream.publish(event));
    const server = http.createServer((_req, res) => stream.add(res, {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = await listen(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await new Promise((r) => setTimeout(r, 50));
      expect(stream.clientCount).toBe(1);
      const step = (runId: string, n: number): ContractEvent => ({
        name: 'run-step',
        payload: { experimentId: 'e', runId, progress: { epoch: 1, step: n, stepsPerEpoch: 500, globalStep: n, loss: 1, accuracy: 0.5, samplesPerSec: 1, etaMs: 0 } },
      });
      // 500 steps of run a and 500 of run b over ~0.5 s, then a's epoch.
      const startedAt = Date.now();
      for (let n = 1; n <= 500; n++) {
        appEvents.publish(step('a', n));
        appEvents.publish(step('b', n));
        if (n % 50 === 0) await new Promise((r) => setTimeout(r, 50));
      }
      appEvents.publish({ name: 'run-epoch', payload: { experimentId: 'e', runId: 'a', metrics: { epoch: 1, loss: 1, accuracy: 0.5, durationMs: 1, samplesPerSec: 1 } } } as ContractEvent);
      await client.waitFor((e) => e.name === 'run-step' && e.payload.runId === 'b' && e.payload.progress.step === 500, 2000);
      await client.waitFor((e) => e.name === 'run-epoch', 2000);
      const elapsed = Date.now() - startedAt;
      client.close();

      for (const runId of ['a', 'b']) {
        const steps = client.received.filter((r) => r.event.name === 'run-step' && r.event.payload.runId === runId);
        // ≤ 10 per second (+1 for the first, which goes out at once), and far fewer than published.
        expect(steps.length, runId).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
        expect(steps.length, runId).toBeGreaterThanOrEqual(3);
        const numbers = steps.map((r) => (r.event.name === 'run-step' ? r.event.payload.progress.step : -1));
        expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
        expect(numbers.at(-1)).toBe(500);
      }
      const aNames = client.received.filter((r) => 'runId' in r.event.payload && r.event.payload.runId === 'a').map((r) => r.event.name);
      expect(aNames.at(-1)).toBe('run-epoch');
      expect(aNames.at(-2)).toBe('run-step');
    } finally {
      appEvents.close();
      stream.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

// The one event stream: supervisor events reach every face as contract events, with
// run-step throttled per run. FakeSupervisorEvents stands in for the supervisor's subscribe().
// Time is vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { events } from '@contract';
import type { SupervisorEvent } from '../../../main/training/supervisor';
import { AppEvents } from '../../../main/services/app-events';

/** A face that records what the stream delivers (an Electron window, an SSE client, the CLI). */
class RecordingFace {
  sent: { name: string; payload: Record<string, unknown> }[] = [];
}

/** FakeSupervisorEvents: a test double for the supervisor's event stream. */
class FakeSupervisorEvents {
  listeners = new Set<(e: SupervisorEvent) => void>();
  subscribe(listener: (e: SupervisorEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: SupervisorEvent) {
    for (const l of this.listeners) l(e);
  }
}

const step = (runId: string, n: number): SupervisorEvent => ({
  type: 'run-step',
  experimentId: 'exp1',
  runId,
  progress: { epoch: 1, step: n, stepsPerEpoch: 1000, globalStep: n, loss: 1 / n, accuracy: 0.5, samplesPerSec: 100, etaMs: 1000 },
});

let source: FakeSupervisorEvents;
let window: RecordingFace;
let stream: AppEvents;
let stop: () => void;

beforeEach(() => {
  vi.useFakeTimers();
  source = new FakeSupervisorEvents();
  window = new RecordingFace();
  stream = new AppEvents();
  stream.follow(source);
  stop = stream.subscribe((event) => window.sent.push(event));
});
afterEach(() => {
  stop();
  stream.close();
  vi.useRealTimers();
});

describe('AppEvents', () => {
  it('sends at most 10 run-step events per second per run, ending on the newest', () => {
    for (let i = 1; i <= 500; i++) {
      source.emit(step('runa', i));
      source.emit(step('runb', i));
      vi.advanceTimersByTime(2); // 500 steps per run over one second
    }
    vi.advanceTimersByTime(200);
    const batchesOf = (runId: string) => window.sent.filter((m) => m.payload.runId === runId).map((m) => (m.payload.progress as { step: number }).step);
    for (const runId of ['runa', 'runb']) {
      const batches = batchesOf(runId);
      expect(batches.length).toBeGreaterThanOrEqual(9);
      expect(batches.length).toBeLessThanOrEqual(11);
      expect(batches[0]).toBe(1);
      expect(batches.at(-1)).toBe(500);
      expect([...batches].sort((a, b) => a - b)).toEqual(batches);
    }
    // Every message is a contract event whose payload parses with the contract's schema.
    for (const m of window.sent) expect(events[m.name as 'run-step'].safeParse(m.payload).success).toBe(true);
  });

  it('flushes a pending step before the run’s next status, so order is kept', () => {
    source.emit(step('runa', 1));
    source.emit(step('runa', 2)); // within the interval: held back
    source.emit({ type: 'run-status', experimentId: 'exp1', runId: 'runa', status: 'completed' });
    expect(window.sent.map((m) => [m.name, (m.payload.progress as { step?: number } | undefined)?.step ?? m.payload.status])).toEqual([
      ['run-step', 1],
      ['run-step', 2],
      ['run-status', 'completed'],
    ]);
    vi.advanceTimersByTime(500);
    expect(window.sent).toHaveLength(3);
  });
});

// The app's event stream reaching our windows as contract events (throttling: services/app-events.test.ts).
// FakeSupervisorEvents stands in for the supervisor's subscribe(); FakeWebContents for
// Electron's WebContents. Time is vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, ipcChannel, type ContractEvent } from '@contract';
import { WindowRegistry } from '../../../main/electron/ipc';
import { forwardEvents } from '../../../main/electron/ipc-events';
import { AppEvents } from '../../../main/services/app-events';
import type { StudyEvent } from '../../../main/services/studies/study-service';

/** FakeWebContents: a test double for Electron's WebContents; records what it was sent. */
class FakeWebContents {
  sent: { name: string; payload: Record<string, unknown> }[] = [];
  destroyed = false;
  constructor(readonly id: number) {}
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, message: { name: string; payload: Record<string, unknown> }) {
    expect(channel).toBe(ipcChannel.event);
    this.sent.push(message);
  }
}

/** FakeAppEvents: a test double for the app's event stream (services/app-events.ts). */
class FakeAppEvents {
  listeners = new Set<(e: ContractEvent) => void>();
  subscribe(listener: (e: ContractEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: ContractEvent) {
    for (const l of this.listeners) l(e);
  }
}

let source: FakeAppEvents;
let window: FakeWebContents;
let stop: () => void;

beforeEach(() => {
  source = new FakeAppEvents();
  window = new FakeWebContents(1);
  const windows = new WindowRegistry();
  windows.add(window);
  stop = forwardEvents(source, windows);
});
afterEach(() => stop());

describe('forwardEvents', () => {
  it('delivers nothing to destroyed windows and stops when unsubscribed', () => {
    window.destroyed = true;
    source.emit({ name: 'run-status', payload: { experimentId: 'exp1', runId: 'runa', status: 'running' } });
    expect(window.sent).toEqual([]);
    window.destroyed = false;
    stop();
    source.emit({ name: 'run-status', payload: { experimentId: 'exp1', runId: 'runa', status: 'running' } });
    expect(window.sent).toEqual([]);
    expect(source.listeners.size).toBe(0);
  });
});

describe('study events', () => {
  it('a study\'s progress and end reach live windows as contract events through the app\'s one event stream, until unsubscribed', () => {
    const listeners = new Set<(e: StudyEvent) => void>();
    const studies = { subscribe: (l: (e: StudyEvent) => void) => (listeners.add(l), () => listeners.delete(l)) };
    const appEvents = new AppEvents();
    appEvents.relay(studies);
    const windows = new WindowRegistry();
    const win = new FakeWebContents(2);
    windows.add(win);
    const off = forwardEvents(appEvents, windows);
    const progress: StudyEvent = { name: 'study-progress', payload: { studyId: 's1', done: 1, failed: 0, running: 2, total: 6, cellsDone: 0, cells: 2, etaMs: 5000 } };
    for (const l of listeners) l(progress);
    for (const l of listeners) l({ name: 'study-finished', payload: { studyId: 's1', status: 'completed' } });
    expect(win.sent.map((m) => m.name)).toEqual(['study-progress', 'study-finished']);
    for (const m of win.sent) expect(events[m.name as 'study-progress'].safeParse(m.payload).success).toBe(true);
    off();
    appEvents.close();
    expect(listeners.size).toBe(0);
  });
});

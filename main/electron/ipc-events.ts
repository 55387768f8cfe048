// Forwards the supervisor's events to our windows as contract events on ipcChannel.event.
// run-step can arrive hundreds of times a second; each run's steps are throttled to at most
// one per interval (default 100 ms, i.e. ≤ 10/s). The newest step is kept and sent at the
// end of the interval, and a pending step is flushed before any other event of that run, so
// the renderer always ends on the latest progress and sees events in order.
import { ipcChannel } from '../../preload/contract';
import { toContractEvent, type ContractEvent } from '../services/contract-events';
import type { SupervisorEvent } from '../training/supervisor';
import type { StudyEvent } from '../services/studies/study-service';
import type { WindowRegistry } from './ipc';

export interface EventSource {
  subscribe(listener: (event: SupervisorEvent) => void): () => void;
}

export const RUN_STEP_INTERVAL_MS = 100;

/** Sends contract events to `deliver`, throttling run-step per run. */
export class RunStepThrottle {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, { event: ContractEvent; timer: NodeJS.Timeout }>();

  constructor(
    private readonly deliver: (event: ContractEvent) => void,
    private readonly intervalMs = RUN_STEP_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  push(event: ContractEvent): void {
    const runId = 'runId' in event.payload ? event.payload.runId : undefined;
    if (event.name !== 'run-step' || runId === undefined) {
      if (runId !== undefined) this.flush(runId);
      else this.flushAll(); // experiment-finished: every run of it is done
      this.deliver(event);
      return;
    }
    const waiting = this.pending.get(runId);
    if (waiting) {
      waiting.event = event; // keep only the newest
      return;
    }
    const since = this.now() - (this.lastSent.get(runId) ?? -Infinity);
    if (since >= this.intervalMs) {
      this.send(runId, event);
      return;
    }
    const timer = setTimeout(() => this.flush(runId), this.intervalMs - since);
    timer.unref?.();
    this.pending.set(runId, { event, timer });
  }

  /** Sends the run's pending step now, if any. */
  flush(runId: string): void {
    const waiting = this.pending.get(runId);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.pending.delete(runId);
    this.send(runId, waiting.event);
  }

  flushAll(): void {
    for (const runId of [...this.pending.keys()]) this.flush(runId);
  }

  /** Drops pending steps and timers (on quit). */
  dispose(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private send(runId: string, event: ContractEvent): void {
    this.lastSent.set(runId, this.now());
    this.deliver(event);
  }
}

/** Subscribes to the supervisor and sends every event to every live window of ours; returns the unsubscribe. */
export function forwardSupervisorEvents(source: EventSource, windows: WindowRegistry, intervalMs = RUN_STEP_INTERVAL_MS): () => void {
  const throttle = new RunStepThrottle((event) => {
    for (const contents of windows.all()) contents.send(ipcChannel.event, event);
  }, intervalMs);
  const unsubscribe = source.subscribe((event) => throttle.push(toContractEvent(event)));
  return () => {
    unsubscribe();
    throttle.dispose();
  };
}

/** Sends every study's progress and end to every live window of ours; returns the unsubscribe. */
export function forwardStudyEvents(source: { subscribe(listener: (event: StudyEvent) => void): () => void }, windows: WindowRegistry): () => void {
  return source.subscribe((event) => {
    for (const contents of windows.all()) contents.send(ipcChannel.event, event);
  });
}

// Step progress can arrive hundreds of times a second; a progress bar needs ten. Each run's
// steps are throttled to at most one per interval (default 100 ms, i.e. ≤ 10/s). The newest
// step is kept and sent at the end of the interval, and a pending step is flushed before any
// other event of that run, so every face ends on the latest progress and sees events in order.
import type { ContractEvent } from '@contract';

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

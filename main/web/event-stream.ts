// Server-sent events for browser mode: every contract event goes to every connected
// EventSource as `data: {"name","payload"}`. Step progress is throttled per run (a fast
// model reports hundreds of steps a second; a progress bar needs ten), keeping the last
// step so the bar ends where training did, and sending it before that run's next other
// event so the order the supervisor produced is kept.
import type { ServerResponse } from 'node:http';
import type { ContractEvent } from '../services/contract-events';

export const STEP_INTERVAL_MS = 100;
const KEEP_ALIVE_MS = 15_000;

interface PendingStep {
  event: ContractEvent;
  timer: NodeJS.Timeout;
}

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly lastStepAt = new Map<string, number>();
  private readonly pendingSteps = new Map<string, PendingStep>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly stepIntervalMs = STEP_INTERVAL_MS) {
    // A comment line now and then keeps proxies and idle timeouts from closing the stream.
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** Takes over a response as an event stream until the client goes away. */
  add(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  publish(event: ContractEvent): void {
    const runId = 'runId' in event.payload ? event.payload.runId : undefined;
    if (event.name === 'run-step' && runId !== undefined) {
      this.publishStep(runId, event);
      return;
    }
    if (runId !== undefined) this.flushStep(runId);
    if (event.name === 'run-status' && runId !== undefined && isFinal(event.payload.status)) this.lastStepAt.delete(runId);
    this.send(event);
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    clearInterval(this.keepAlive);
    for (const pending of this.pendingSteps.values()) clearTimeout(pending.timer);
    this.pendingSteps.clear();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private publishStep(runId: string, event: ContractEvent): void {
    const pending = this.pendingSteps.get(runId);
    if (pending) {
      pending.event = event; // a newer step replaces the one waiting
      return;
    }
    const now = Date.now();
    const wait = (this.lastStepAt.get(runId) ?? -Infinity) + this.stepIntervalMs - now;
    if (wait <= 0) {
      this.lastStepAt.set(runId, now);
      this.send(event);
      return;
    }
    const timer = setTimeout(() => this.flushStep(runId), wait);
    timer.unref();
    this.pendingSteps.set(runId, { event, timer });
  }

  private flushStep(runId: string): void {
    const pending = this.pendingSteps.get(runId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pendingSteps.delete(runId);
    this.lastStepAt.set(runId, Date.now());
    this.send(pending.event);
  }

  private send(event: ContractEvent): void {
    this.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }
}

function isFinal(status: string): boolean {
  return status !== 'queued' && status !== 'running';
}

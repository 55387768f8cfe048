// The one event stream of the application: every face (Electron windows, browser-mode SSE,
// the CLI) subscribes here and gets contract events. The supervisor's events reach it through
// the run journal, so what a face hears is already recorded; progress made outside a training
// job (a download for a dataset preview) is published here directly. Step progress is
// throttled once, here, for every face.
import type { ContractEvent } from '@contract';
import type { SupervisorEvent } from '../training/supervisor';
import type { JournaledEvent } from './run-journal';
import { RunStepThrottle, RUN_STEP_INTERVAL_MS } from './run-step-throttle';

export type { ContractEvent };

export interface SupervisorEvents {
  subscribe(listener: (event: SupervisorEvent) => void): () => void;
}

export class AppEvents {
  private readonly listeners = new Set<(event: ContractEvent) => void>();
  private readonly throttle: RunStepThrottle;
  private readonly sources: (() => void)[] = [];

  constructor(stepIntervalMs = RUN_STEP_INTERVAL_MS) {
    this.throttle = new RunStepThrottle((event) => this.deliver(event), stepIntervalMs);
  }

  /**
   * Relays a supervisor's events as contract events, each first passed through `record`
   * (the run journal) so that it is in the store before any face hears of it.
   */
  follow(supervisor: SupervisorEvents, record: (event: SupervisorEvent) => JournaledEvent = (event) => event): void {
    this.sources.push(
      supervisor.subscribe((event) => {
        const contractEvent = toContractEvent(record(event));
        if (contractEvent) this.publish(contractEvent);
      }),
    );
  }

  /** Relays a source of contract events made outside training (a study's progress and end). */
  relay(source: { subscribe(listener: (event: ContractEvent) => void): () => void }): void {
    this.sources.push(source.subscribe((event) => this.publish(event)));
  }

  publish(event: ContractEvent): void {
    this.throttle.push(event);
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: (event: ContractEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following and drops pending steps (on quit). */
  close(): void {
    for (const unsubscribe of this.sources.splice(0)) unsubscribe();
    this.throttle.dispose();
  }

  private deliver(event: ContractEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // One face failing must not keep the event from the others.
        console.error(`transfer-lab: an event listener failed on ${event.name}: ${(err as Error).message}`);
      }
    }
  }
}

/** The contract's view of a supervisor event; null for the journal's own (run started, artifacts, timings). */
export function toContractEvent(event: JournaledEvent): ContractEvent | null {
  switch (event.type) {
    case 'run-started':
    case 'run-artifact':
    case 'run-timings':
      return null;
    case 'run-status': {
      const { experimentId, runId, status, error, errorCode, backend, estimate } = event;
      return { name: 'run-status', payload: { experimentId, runId, status, error, errorCode, backend, ...(estimate ? { estimate } : {}) } };
    }
    case 'run-step':
      return { name: 'run-step', payload: { experimentId: event.experimentId, runId: event.runId, progress: event.progress } };
    case 'run-epoch':
      return { name: 'run-epoch', payload: { experimentId: event.experimentId, runId: event.runId, metrics: event.metrics } };
    case 'run-evaluation':
      return { name: 'run-evaluation', payload: { experimentId: event.experimentId, runId: event.runId, accuracy: event.evaluation.accuracy, count: event.evaluation.count } };
    case 'download-progress':
      return { name: 'download-progress', payload: { name: event.name, file: event.file, received: event.received, total: event.total } };
    case 'experiment-finished': {
      const { experimentId, status, transferGain, error, errorCode } = event;
      return { name: 'experiment-finished', payload: { experimentId, status, transferGain, error, errorCode } };
    }
  }
}

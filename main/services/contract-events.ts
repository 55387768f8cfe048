// Turns the supervisor's events into the contract's events, for every face to forward.
import type { EventName, EventPayload } from '../../preload/contract';
import type { SupervisorEvent } from '../training/supervisor';

export type ContractEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export function toContractEvent(event: SupervisorEvent): ContractEvent {
  switch (event.type) {
    case 'run-status':
      return { name: 'run-status', payload: { experimentId: event.experimentId, runId: event.runId, status: event.status, error: event.error, estimate: event.estimate } };
    case 'run-step':
      return { name: 'run-step', payload: { experimentId: event.experimentId, runId: event.runId, progress: event.progress } };
    case 'run-epoch':
      return { name: 'run-epoch', payload: { experimentId: event.experimentId, runId: event.runId, metrics: event.metrics } };
    case 'run-evaluation':
      return { name: 'run-evaluation', payload: { experimentId: event.experimentId, runId: event.runId, accuracy: event.evaluation.accuracy } };
    case 'download-progress':
      return { name: 'download-progress', payload: { name: event.name, file: event.file, received: event.received, total: event.total } };
    case 'experiment-finished':
      return { name: 'experiment-finished', payload: { experimentId: event.experimentId, status: event.status, transferGain: event.transferGain } };
  }
}

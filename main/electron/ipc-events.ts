// Forwards the application's event stream to our windows as contract events on
// ipcChannel.event. The stream (services/app-events.ts) already throttles step progress.
import { ipcChannel } from '@contract';
import type { ContractEvent } from '../services/app-events';
import type { WindowRegistry } from './ipc';

export interface EventSource {
  subscribe(listener: (event: ContractEvent) => void): () => void;
}

/** Sends every event of `source` to every live window of ours; returns the unsubscribe. */
export function forwardEvents(source: EventSource, windows: WindowRegistry): () => void {
  return source.subscribe((event) => {
    for (const contents of windows.all()) contents.send(ipcChannel.event, event);
  });
}


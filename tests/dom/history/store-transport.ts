// A TransferLabApi for component tests that answers the history pages' calls from a real
// SQLite store through the core's own dispatch (argument schemas, error codes) and the
// same service calls the real handlers make (main/services/handlers.ts). Training and
// models are not here: calls to them answer with an error. Every call is recorded so tests
// can assert what the page asked for.
import type { EventName, MethodName, TransferLabApi } from '@contract';
import { createStore, type Store } from '../../../main/store';
import { RunsService } from '../../../main/services/runs-service';
import { buildExperimentReport } from '../../../main/services/experiment-report';
import { dispatch } from '../../../main/services/dispatch';
import type { Handlers } from '../../../main/services/handlers';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
}

export interface StoreTransport extends TransferLabApi {
  store: Store;
  calls: RecordedCall[];
  callsTo(method: MethodName): Record<string, unknown>[];
  /** Delivers an event to the page's listeners, as the core would. */
  emit(event: EventName, payload: unknown): void;
  listenerCount(event: EventName): number;
}

/** Answers from `store` (a fresh in-memory one by default). */
export function createStoreTransport(store: Store = createStore(':memory:')): StoreTransport {
  const calls: RecordedCall[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const runs = new RunsService(store);
  const handlers: Partial<Handlers> = {
    'runs.list': (a) => store.runs.list(a),
    'runs.get': (a) => runs.detail(a.runId),
    'runs.rename': (a) => {
      store.runs.update(a.runId, { name: a.name });
      return { ok: true as const };
    },
    'runs.note': (a) => {
      store.runs.update(a.runId, { notes: a.notes });
      return { ok: true as const };
    },
    'runs.tag': (a) => ({ tags: a.remove ? store.tags.remove(a.runId, a.tag) : store.tags.add(a.runId, a.tag) }),
    'runs.delete': (a) => ({ deleted: runs.deleteRun(a.runId) }),
    'runs.compare': (a) => runs.compare(a.runIds),
    'runs.exportCsv': (a) => runs.exportCsv(a),
    'experiments.get': (a) => buildExperimentReport(store, a.experimentId),
    'experiments.running': () => ({ experimentIds: [] }),
  };
  const missing = () => {
    throw new Error('not answered by this test transport');
  };
  const all = new Proxy(handlers, { get: (target, name: string) => target[name as MethodName] ?? missing }) as Handlers;
  return {
    store,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method).map((c) => c.args),
    async call(method, args) {
      calls.push({ method, args: structuredClone(args) as Record<string, unknown> });
      return (await dispatch(all, method, args)) as never;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
}

// What the preload exposes to the page as `window.api`, derived from the contract: exactly
// two functions, `call` and `on`. Only method names in the contract's `methods` are sent
// to the main process (others are answered here without any IPC), only event names in
// `events` can be listened to, and a listener receives the payload alone — never the
// IpcRendererEvent, whose `sender` would hand the page an Electron object (Electron
// security checklist item 20: do not expose Electron APIs to untrusted web content).
import { events, ipcChannel, isMethodName, type ApiResponse, type EventName, type TransferLabApi } from '@contract';

/** The slice of Electron's ipcRenderer the bridge uses (a test double can stand in for it). */
export interface BridgeIpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface BridgeContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export const API_KEY = 'api';

function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

export function createApiBridge(ipcRenderer: BridgeIpcRenderer): TransferLabApi {
  // One ipcRenderer listener for all subscriptions, attached while anyone listens, so the
  // page cannot pile up IPC listeners and each event is routed by name here.
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let count = 0;
  const route = (_event: unknown, message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const { name, payload } = message as { name?: unknown; payload?: unknown };
    if (!isEventName(name)) return;
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (err) {
        console.error(`transfer-lab: a '${name}' listener threw`, err);
      }
    }
  };

  const call = (method: unknown, args: unknown): Promise<ApiResponse<unknown>> => {
    if (!isMethodName(method)) {
      return Promise.resolve({ error: { code: 'bad-request', message: `unknown method ${JSON.stringify(String(method)).slice(0, 100)}` } });
    }
    return ipcRenderer.invoke(ipcChannel.call, method, args).then(
      (response) => response as ApiResponse<unknown>,
      // e.g. an argument that cannot be cloned; the contract's answer shape is kept.
      (err: unknown) => ({ error: { code: 'bad-request', message: `${method}: ${err instanceof Error ? err.message : String(err)}` } }),
    );
  };

  const on = (event: unknown, listener: unknown): (() => void) => {
    if (!isEventName(event)) throw new TypeError(`unknown event ${JSON.stringify(String(event)).slice(0, 100)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const fn = listener as (payload: unknown) => void;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    if (set.has(fn)) return () => undefined; // already subscribed; the first unsubscribe owns it
    set.add(fn);
    if (count++ === 0) ipcRenderer.on(ipcChannel.event, route);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      set.delete(fn);
      if (--count === 0) ipcRenderer.removeListener(ipcChannel.event, route);
    };
  };

  return Object.freeze({ call, on }) as TransferLabApi;
}

/** Puts the bridge on `window.api`. */
export function exposeApi(contextBridge: BridgeContextBridge, ipcRenderer: BridgeIpcRenderer): void {
  contextBridge.exposeInMainWorld(API_KEY, createApiBridge(ipcRenderer));
}

// What the preload puts on window.api, captured with FakeContextBridge and FakeIpcRenderer
// (test doubles standing in for Electron's contextBridge and ipcRenderer).
import { beforeEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { ipcChannel, methods, type TransferLabApi } from '@contract';
import { exposeApi, type BridgeIpcRenderer } from '../../../preload/bridge';

/** FakeIpcRenderer: a test double for Electron's ipcRenderer; records invokes, emits events. */
class FakeIpcRenderer extends EventEmitter implements BridgeIpcRenderer {
  invoked: unknown[][] = [];
  answer: unknown = { result: 'ok' };
  async invoke(channel: string, ...args: unknown[]) {
    this.invoked.push([channel, ...args]);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
  /** What the main process sending one contract event looks like from here. */
  deliver(message: unknown) {
    this.emit(ipcChannel.event, { sender: 'an IpcRendererEvent with Electron objects', ports: [] }, message);
  }
}

/** FakeContextBridge: a test double for Electron's contextBridge; keeps what was exposed. */
class FakeContextBridge {
  exposed = new Map<string, unknown>();
  exposeInMainWorld(key: string, api: unknown) {
    this.exposed.set(key, api);
  }
}

let ipc: FakeIpcRenderer;
let api: TransferLabApi;
let bridge: FakeContextBridge;

beforeEach(() => {
  ipc = new FakeIpcRenderer();
  bridge = new FakeContextBridge();
  exposeApi(bridge, ipc);
  api = bridge.exposed.get('api') as TransferLabApi;
});

describe('preload bridge', () => {
  it('exposes only window.api with exactly call and on, frozen', () => {
    expect([...bridge.exposed.keys()]).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['call', 'on']);
    expect(typeof api.call).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('forwards contract methods over the one call channel', async () => {
    expect(await api.call('runs.list', { limit: 3 })).toEqual({ result: 'ok' });
    expect(ipc.invoked).toEqual([[ipcChannel.call, 'runs.list', { limit: 3 }]]);
    for (const method of Object.keys(methods)) {
      await api.call(method as 'app.info', {});
    }
    expect(ipc.invoked).toHaveLength(1 + Object.keys(methods).length);
  });

  it('answers unknown methods itself, without any IPC', async () => {
    for (const method of ['fs.readFile', '__proto__', 'constructor', 'toString', '', 42, null]) {
      const response = await api.call(method as 'app.info', {});
      expect(response).toMatchObject({ error: { code: 'bad-request' } });
    }
    expect(ipc.invoked).toEqual([]);
  });

  it('keeps the { error } shape when IPC itself fails', async () => {
    ipc.answer = new Error('An object could not be cloned.');
    expect(await api.call('app.info', {})).toEqual({ error: { code: 'bad-request', message: 'app.info: An object could not be cloned.' } });
  });

  it('gives listeners only the payload of their event, and unsubscribes', () => {
    const seen: unknown[] = [];
    const statuses: unknown[] = [];
    const off = api.on('run-step', (payload) => seen.push(payload));
    api.on('run-status', (payload) => statuses.push(payload));
    expect(ipc.listenerCount(ipcChannel.event)).toBe(1);
    ipc.deliver({ name: 'run-step', payload: { runId: 'a' } });
    ipc.deliver({ name: 'run-status', payload: { runId: 'a', status: 'running' } });
    ipc.deliver({ name: 'not-an-event', payload: {} });
    ipc.deliver('garbage');
    expect(seen).toEqual([{ runId: 'a' }]);
    expect(statuses).toEqual([{ runId: 'a', status: 'running' }]);
    off();
    off(); // twice is harmless
    ipc.deliver({ name: 'run-step', payload: { runId: 'b' } });
    expect(seen).toEqual([{ runId: 'a' }]);
  });

  it('removes its IPC listener when the last subscriber leaves, and refuses unknown events', () => {
    const offA = api.on('run-step', () => undefined);
    const offB = api.on('run-epoch', () => undefined);
    offA();
    expect(ipc.listenerCount(ipcChannel.event)).toBe(1);
    offB();
    expect(ipc.listenerCount(ipcChannel.event)).toBe(0);
    expect(() => api.on('sender' as 'run-step', () => undefined)).toThrow(/unknown event/);
    expect(() => api.on('run-step', 'not a function' as never)).toThrow(/function/);
  });

  it('keeps delivering to other listeners when one throws', () => {
    const seen: unknown[] = [];
    const errors = console.error;
    console.error = () => undefined;
    try {
      api.on('run-step', () => {
        throw new Error('boom');
      });
      api.on('run-step', (p) => seen.push(p));
      ipc.deliver({ name: 'run-step', payload: 1 });
    } finally {
      console.error = errors;
    }
    expect(seen).toEqual([1]);
  });
});

// The IPC wrapper over the real core (a real SQLite store in a temp folder): who may call,
// argument validation before any handler runs, and answers shaped { result } | { error }.
// FakeIpcMain, FakeWebContents and the frames are test doubles standing in for Electron's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ipcChannel } from '@contract';
import { createAppContext, type AppContext } from '../../../main/services/app-context';
import { createHandlers, type Handlers } from '../../../main/services/handlers';
import { WindowRegistry, registerIpc, type IpcMainModule, type InvokeEvent, type SenderFrame } from '../../../main/electron/ipc';

/** FakeWebContents: a test double for Electron's WebContents (identity and send). */
class FakeWebContents {
  sent: unknown[][] = [];
  destroyed = false;
  constructor(readonly id: number) {}
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
}

/** FakeIpcMain: a test double for Electron's ipcMain; keeps the registered handlers. */
class FakeIpcMain implements IpcMainModule {
  handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(event: InvokeEvent, ...args: unknown[]) {
    return this.handlers.get(ipcChannel.call)!(event, ...args);
  }
}

const mainFrame = (url: string): SenderFrame => ({ url, parent: null });

let dir: string;
let ctx: AppContext;
let ipcMain: FakeIpcMain;
let ours: FakeWebContents;
let calls: string[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-ipc-'));
  ctx = createAppContext({ databaseFile: path.join(dir, 'transfer-lab.sqlite') });
  const real = createHandlers(ctx, 'electron');
  calls = [];
  // The real handlers, each recording that it ran, so a test can see a call never reached one.
  const recorded = Object.fromEntries(
    Object.entries(real).map(([name, fn]) => [name, (args: unknown) => (calls.push(name), (fn as (a: unknown) => unknown)(args))]),
  ) as Handlers;
  ipcMain = new FakeIpcMain();
  ours = new FakeWebContents(1);
  const windows = new WindowRegistry();
  windows.add(ours);
  registerIpc(ipcMain, recorded, windows);
});
afterAll(async () => {
  await ctx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('IPC call channel', () => {
  it('registers exactly one channel', () => {
    expect([...ipcMain.handlers.keys()]).toEqual([ipcChannel.call]);
  });

  it('answers a good call from our window with the real result', async () => {
    const response = await ipcMain.invoke({ sender: ours, senderFrame: mainFrame('app://transfer-lab/index.html#/runs') }, 'runs.list', { limit: 5 });
    expect(response).toEqual({ result: { total: 0, rows: [] } });
    const info = (await ipcMain.invoke({ sender: ours, senderFrame: mainFrame('app://transfer-lab/index.html') }, 'app.info', {})) as { result: { mode: string } };
    expect(info.result.mode).toBe('electron');
  });

  it('refuses unknown senders before any handler runs', async () => {
    calls.length = 0;
    const stranger = new FakeWebContents(2);
    const refused = [
      { sender: stranger, senderFrame: mainFrame('app://transfer-lab/index.html') }, // not a window we created
      { sender: new FakeWebContents(1), senderFrame: mainFrame('app://transfer-lab/index.html') }, // same id, other object
      { sender: ours, senderFrame: { url: 'app://transfer-lab/index.html', parent: mainFrame('app://transfer-lab/index.html') } }, // an iframe
      { sender: ours, senderFrame: mainFrame('https://evil.example/') }, // navigated elsewhere
      { sender: ours, senderFrame: mainFrame('file:///tmp/x.html') },
      { sender: ours, senderFrame: null }, // frame gone
    ];
    for (const event of refused) {
      expect(await ipcMain.invoke(event, 'runs.list', {})).toEqual({ error: { code: 'bad-request', message: 'unknown sender' } });
    }
    expect(calls).toEqual([]);
  });

  it('validates the method and arguments with the contract; bad payloads never reach a handler', async () => {
    calls.length = 0;
    const event = { sender: ours, senderFrame: mainFrame('app://transfer-lab/index.html') };
    const bad: [unknown, unknown][] = [
      ['no.such.method', {}],
      ['__proto__', {}],
      [42, {}],
      ['runs.get', { runId: '../../etc' }],
      ['runs.get', { runId: 'abc', extra: true }],
      ['runs.list', { limit: 'all' }],
      ['runs.note', null],
      ['models.predict', { runId: 'abc', images: ['file:///etc/passwd'] }],
    ];
    for (const [method, args] of bad) {
      const response = (await ipcMain.invoke(event, method, args)) as { error?: { code: string; message: string } };
      expect(response.error?.code, String(method)).toBe('bad-request');
      expect(response.error?.message.length).toBeGreaterThan(5);
    }
    expect(calls).toEqual([]);
  });

  it('turns a core error into an error answer instead of throwing', async () => {
    const response = await ipcMain.invoke({ sender: ours, senderFrame: mainFrame('app://transfer-lab/index.html') }, 'runs.get', { runId: 'nosuchrun' });
    expect(response).toMatchObject({ error: { code: 'not-found' } });
  });
});

// The one IPC entry point of the desktop app. Every renderer call arrives on a single
// channel (ipcChannel.call) as (method, args); the sender is checked first (Electron
// security checklist item 17), then dispatch() validates the method and its argument with
// the contract and answers { result } or { error }. Nothing else is registered on ipcMain,
// so a compromised page cannot reach a handler that skipped these checks.
import { ipcChannel, type ApiError, type ApiResponse } from '@contract';
import { dispatch } from '../services/dispatch';
import type { Handlers } from '../services/handlers';
import { isAllowedNavigation } from './security';

/** The slice of Electron's WebFrameMain the sender check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: SenderFrame | null;
}

/** The slice of a webContents the IPC layer uses (sender identity and event delivery). */
export interface IpcWebContents {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface InvokeEvent {
  readonly sender: IpcWebContents;
  readonly senderFrame: SenderFrame | null;
}

export interface IpcMainModule {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The webContents of the windows this app created; only they may call in or hear events. */
export class WindowRegistry {
  private readonly contents = new Map<number, IpcWebContents>();

  add(webContents: IpcWebContents): void {
    this.contents.set(webContents.id, webContents);
  }

  remove(webContents: IpcWebContents): void {
    this.contents.delete(webContents.id);
  }

  /** For a window that has closed: its webContents is destroyed and its id unreadable. */
  removeId(id: number): void {
    this.contents.delete(id);
  }

  has(webContents: IpcWebContents): boolean {
    return this.contents.get(webContents.id) === webContents;
  }

  /** The live ones, for sending events. */
  all(): IpcWebContents[] {
    return [...this.contents.values()].filter((c) => !c.isDestroyed());
  }
}

/**
 * 17: a call is accepted only from the main frame (not an iframe) of a window we created,
 * while that frame shows one of our app:// pages.
 */
export function isTrustedSender(event: InvokeEvent, windows: WindowRegistry): boolean {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined) return false; // navigated away or destroyed
  if (frame.parent !== null) return false;
  if (!windows.has(event.sender)) return false;
  return isAllowedNavigation(frame.url);
}

/** The answer to a call from anywhere else. */
export function unknownSender(): { error: ApiError } {
  return { error: { code: 'bad-request', message: 'unknown sender' } };
}

/** The listener behind ipcChannel.call; exported so tests drive it with test doubles. */
export function createCallListener(handlers: Handlers, windows: WindowRegistry) {
  return async (event: InvokeEvent, method: unknown, args: unknown): Promise<ApiResponse<unknown>> => {
    if (!isTrustedSender(event, windows)) return unknownSender();
    return dispatch(handlers, method, args);
  };
}

/** Registers the call channel; returns the function that removes it. */
export function registerIpc(ipcMain: IpcMainModule, handlers: Handlers, windows: WindowRegistry): () => void {
  const listener = createCallListener(handlers, windows);
  ipcMain.handle(ipcChannel.call, (event, method, args) => listener(event, method, args));
  return () => ipcMain.removeHandler(ipcChannel.call);
}

// The only module of the renderer that talks to the outside. In Electron the preload
// exposes `window.api`; in a browser (browser mode) the same contract is spoken over HTTP
// and Server-Sent Events to the loopback server that served this page. Nothing else in
// the renderer knows which.
import type { ApiResponse, EventName, EventPayload, MethodArgs, MethodName, MethodResult, TransferLabApi } from '@contract';
import { createBrowserClient } from './browser-client';

declare global {
  interface Window {
    api?: TransferLabApi;
  }
}

const transport: TransferLabApi = window.api ?? createBrowserClient(window.location);

/** An error the core returned, with the contract's code and message. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** Calls the core; resolves with the result or rejects with an ApiCallError. */
export async function call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
  const response: ApiResponse<MethodResult<M>> = await transport.call(method, args);
  if ('error' in response) throw new ApiCallError(response.error.code, response.error.message, response.error.issues);
  return response.result;
}

/** Subscribes to an event of the core; returns the unsubscribe function. */
export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return transport.on(event, listener);
}

export const isElectron = window.api !== undefined;

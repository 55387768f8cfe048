// The contract over HTTP for browser mode: calls are POST /api/<method> with the JSON
// argument; events arrive on one EventSource (/api/events). The session token the server
// printed in the URL (?token=…) is sent with every request.
import type { ApiResponse, EventName, TransferLabApi } from '@contract';

export function createBrowserClient(location: Location): TransferLabApi {
  const token = new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('transfer-lab-token') ?? '';
  // Keep the token for reloads, and out of the address bar and history.
  if (token) {
    sessionStorage.setItem('transfer-lab-token', token);
    const url = new URL(location.href);
    if (url.searchParams.has('token')) {
      url.searchParams.delete('token');
      history.replaceState(null, '', url.toString());
    }
  }
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | undefined;

  function ensureEvents(): void {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (message) => {
      const { name, payload } = JSON.parse(message.data) as { name: string; payload: unknown };
      for (const listener of listeners.get(name) ?? []) listener(payload);
    };
  }

  return {
    async call(method, args) {
      try {
        const response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(args),
        });
        return (await response.json()) as ApiResponse<never>;
      } catch (err) {
        return { error: { code: 'internal', message: `Transfer Lab's server did not answer (${(err as Error).message}). Is it still running?` } };
      }
    },
    on(event: EventName, listener) {
      ensureEvents();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

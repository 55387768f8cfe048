// Server-sent events for browser mode: every contract event goes to every connected
// EventSource as `data: {"name","payload"}`. Step progress arrives already throttled from
// the application's event stream (services/app-events.ts).
import type { ServerResponse } from 'node:http';
import type { ContractEvent } from '@contract';

const KEEP_ALIVE_MS = 15_000;

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor() {
    // A comment line now and then keeps proxies and idle timeouts from closing the stream.
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** Takes over a response as an event stream until the client goes away. */
  add(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  publish(event: ContractEvent): void {
    this.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    clearInterval(this.keepAlive);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }
}

// A small HTTP file server on 127.0.0.1 for the download tests: serves in-memory files,
// honours Range requests (or ignores them on demand), can cut a response short, and records
// every request and how many body bytes it sent, so tests can assert what went over the wire.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  path: string;
  range?: string;
  status: number;
  bodyBytes: number;
}

export interface FixtureServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  files: Map<string, Buffer>;
  requests: ServedRequest[];
  /** When true, Range headers are ignored and whole files sent with 200 (like some mirrors). */
  ignoreRange: boolean;
  /** Path → number of body bytes after which the connection is destroyed mid-response. */
  cutAfter: Map<string, number>;
  close(): Promise<void>;
}

export async function startFixtureServer(files: Record<string, Buffer> = {}): Promise<FixtureServer> {
  const state = {
    files: new Map(Object.entries(files)),
    requests: [] as ServedRequest[],
    ignoreRange: false,
    cutAfter: new Map<string, number>(),
  };
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const record: ServedRequest = { path: urlPath, range: req.headers.range, status: 200, bodyBytes: 0 };
    state.requests.push(record);
    const body = state.files.get(urlPath);
    if (!body) {
      record.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let start = 0;
    const range = !state.ignoreRange ? req.headers.range?.match(/^bytes=(\d+)-$/) : null;
    if (range) {
      start = Number(range[1]);
      if (start >= body.length) {
        record.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      record.status = 206;
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'accept-ranges': 'bytes',
      });
    } else {
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
    }
    const cut = state.cutAfter.get(urlPath);
    const rest = body.subarray(start);
    if (cut !== undefined && cut < rest.length) {
      record.bodyBytes = cut;
      res.write(rest.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    record.bodyBytes = rest.length;
    res.end(rest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get files() {
      return state.files;
    },
    get requests() {
      return state.requests;
    },
    get ignoreRange() {
      return state.ignoreRange;
    },
    set ignoreRange(value: boolean) {
      state.ignoreRange = value;
    },
    get cutAfter() {
      return state.cutAfter;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

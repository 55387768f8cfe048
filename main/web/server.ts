// Browser mode: the renderer and the contract over loopback HTTP, for machines without a
// display for Electron (a workstation reached over SSH, a container) and for e2e tests.
//   GET  /…                static files of the built renderer (no token; see static-files.ts)
//   POST /api/<method>     one contract call; JSON body = the argument; answer = dispatch()'s
//                          { result } | { error } (status 200, or 4xx/5xx by error code)
//   GET  /api/events       server-sent events: every contract event, `data: {name, payload}`
// Only 127.0.0.1 is ever listened on. Every request must name us in Host (403 otherwise);
// /api requests must also carry the session token (401) and, when they have an Origin,
// come from our own origin (403). Refusals happen before the body is read, so a refused
// request never reaches the core or the database.
// Where the desktop app opens a native file dialog, browser mode takes what the contract
// already allows: a path on the server's disk typed into a dataset spec or export folder,
// and images for prediction uploaded as data URLs in models.predict — no upload endpoint.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppContext, type AppContext } from '../services/app-context';
import { createHandlers } from '../services/handlers';
import { dispatch } from '../services/dispatch';
import { isMethodName, type ApiError, type ApiResponse } from '@contract';
import { createToken, hostAllowed, originAllowed, presentedToken, tokenMatches } from './guards';
import { cspFromIndexHtml, securityHeaders } from './security-headers';
import { StaticFiles, defaultRendererDir } from './static-files';
import { EventStream } from './event-stream';
import { BodyError, MAX_BODY_BYTES, readJsonBody } from './request-body';

/** Browser mode never listens anywhere but the IPv4 loopback address. */
export const LOOPBACK_HOST = '127.0.0.1';

export interface WebServerOptions {
  /** The application core to serve; default one over the default database (TRANSFER_LAB_HOME honoured), closed with the server. */
  app?: AppContext;
  /** Database for the default app context; default <data folder>/transfer-lab.sqlite. */
  databaseFile?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default dist/renderer. */
  rendererDir?: string;
  /** Fixed token (tests); default a fresh random one. */
  token?: string;
  maxBodyBytes?: number;
  /** How often step progress is sent per run, when the server creates its own core. */
  stepIntervalMs?: number;
}

export interface WebServer {
  /** http://127.0.0.1:PORT/?token=… — what the user opens. */
  url: string;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  token: string;
  app: AppContext;
  close(): Promise<void>;
}

const errorStatus: Record<ApiError['code'], number> = {
  'bad-request': 400,
  'not-found': 404,
  conflict: 409,
  'invalid-spec': 422,
  dataset: 422,
  model: 422,
  backend: 422,
  // A download that failed upstream (the network, a mirror): the server's gateway failed.
  download: 502,
  internal: 500,
};

export async function createWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  // Check the renderer before opening the database, so a missing build fails cleanly.
  const files = new StaticFiles(options.rendererDir ?? defaultRendererDir());
  const headers = securityHeaders(cspFromIndexHtml(files.indexHtml, 'index.html'));
  const ownsApp = options.app === undefined;
  const app = options.app ?? createAppContext({ databaseFile: options.databaseFile, stepIntervalMs: options.stepIntervalMs });
  const handlers = createHandlers(app, 'browser');
  const token = options.token ?? createToken();
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const events = new EventStream();
  const unsubscribe = app.events.subscribe((event) => events.publish(event));
  let port = 0;

  const server = http.createServer((req, res) => {
    handleRequest(req, res).catch((err: unknown) => {
      // Only reached by a bug in this file: log it here, tell the client nothing internal.
      process.stderr.write(`transfer-lab web: ${(err as Error).stack ?? String(err)}\n`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'internal server error' } });
      else res.destroy();
    });
  });

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, port)) {
      const message = `this server answers only to 127.0.0.1:${port} and localhost:${port} (Host header refused)`;
      return req.url?.startsWith('/api') ? sendApiError(res, 403, message) : sendText(res, 403, `Forbidden: ${message}.`);
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return sendText(res, 405, 'Method not allowed.');
    }
    // Only origin-form targets ("/path?query"); absolute-form could name another host.
    if (!req.url?.startsWith('/') || req.url.startsWith('//')) return sendText(res, 400, 'Bad request target.');
    const url = new URL(req.url, `http://${LOOPBACK_HOST}:${port}`);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return handleApi(req, res, url);

    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return sendText(res, 405, 'Method not allowed.');
    }
    const file = files.resolve(url.pathname);
    if (!file) return sendText(res, 404, 'Not found.');
    files.send(file, res, headers);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (!originAllowed(req.headers.origin, req.headers.host)) {
      return sendApiError(res, 403, 'cross-site requests are refused: the Origin is not this server');
    }
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      // EventSource cannot send headers, so the stream alone accepts ?token=.
      if (!tokenMatches(presentedToken(req, url, true), token)) return unauthorized(res);
      events.add(res, headers);
      return;
    }
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    if (!tokenMatches(presentedToken(req, url, false), token)) return unauthorized(res);
    let method: string;
    try {
      method = decodeURIComponent(url.pathname.slice('/api/'.length));
    } catch {
      method = '';
    }
    if (!isMethodName(method)) {
      return sendApiError(res, 404, `unknown method ${JSON.stringify(method.slice(0, 100))}`);
    }
    let args: unknown;
    try {
      args = await readJsonBody(req, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      // Stop reading an oversized body, and close the connection once the answer is out.
      if (err.status === 413) res.setHeader('connection', 'close');
      return sendApiError(res, err.status, err.message);
    }
    const response = await dispatch(handlers, method, args);
    sendJson(res, 'error' in response ? errorStatus[response.error.code] ?? 500 : 200, response);
  }

  function sendJson(res: http.ServerResponse, status: number, body: ApiResponse<unknown>): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  function sendApiError(res: http.ServerResponse, status: number, message: string): void {
    sendJson(res, status, { error: { code: 'bad-request', message } });
  }

  function unauthorized(res: http.ServerResponse): void {
    res.setHeader('www-authenticate', 'Bearer');
    sendApiError(res, 401, 'missing or wrong session token: open the URL that `transfer-lab web` printed (it ends in ?token=…)');
  }

  function methodNotAllowed(res: http.ServerResponse, allow: string): void {
    res.setHeader('allow', allow);
    sendApiError(res, 405, `use ${allow} for this path`);
  }

  function sendText(res: http.ServerResponse, status: number, text: string): void {
    res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text + '\n');
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, LOOPBACK_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    unsubscribe();
    events.close();
    if (ownsApp) await app.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${options.port} on ${LOOPBACK_HOST} is already in use; choose another with --port or use --port 0 for any free port`);
    throw err;
  }
  port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${LOOPBACK_HOST}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${baseUrl}/?token=${token}`,
    baseUrl,
    port,
    token,
    app,
    close() {
      closing ??= (async () => {
        unsubscribe();
        events.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        // Cancels running jobs (the worker is asked to stop, then killed) and closes the store.
        if (ownsApp) await app.close();
      })();
      return closing;
    },
  };
}

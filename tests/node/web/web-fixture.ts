// A real browser-mode server for node tests: a temporary data folder (TRANSFER_LAB_HOME),
// the default app context over it, and a small renderer folder built from the real
// renderer/index.html (so the real CSP) — no Vite build needed for these tests. Beside
// the renderer folder lies a secret file that path traversal must never reach.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createWebServer, type WebServer } from '../../../main/web/server';
import type { Store } from '../../../main/store';

export const SECRET = 'top secret, outside the renderer';

export interface WebFixture {
  server: WebServer;
  home: string;
  rendererDir: string;
  close(): Promise<void>;
}

export async function startWebFixture(options: { stepIntervalMs?: number } = {}): Promise<WebFixture> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-web-node-'));
  const rendererDir = makeRendererFolder(home);
  const previousHome = process.env.TRANSFER_LAB_HOME;
  process.env.TRANSFER_LAB_HOME = home;
  const server = await createWebServer({ rendererDir, stepIntervalMs: options.stepIntervalMs });
  return {
    server,
    home,
    rendererDir,
    async close() {
      await server.close();
      if (previousHome === undefined) delete process.env.TRANSFER_LAB_HOME;
      else process.env.TRANSFER_LAB_HOME = previousHome;
      fs.rmSync(home, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** <home>/renderer with the real index.html and one script; <home>/secret.txt beside it. */
export function makeRendererFolder(home: string): string {
  const rendererDir = path.join(home, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.copyFileSync(path.resolve('renderer/index.html'), path.join(rendererDir, 'index.html'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("renderer");\n');
  fs.writeFileSync(path.join(home, 'secret.txt'), SECRET);
  fs.symlinkSync(path.join(home, 'secret.txt'), path.join(rendererDir, 'assets', 'link.txt'));
  return rendererDir;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with full control over the request line and headers (fetch normalises
 * paths and will not send a foreign Host), resolved with the whole response.
 */
export function rawRequest(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POST /api/<method> with the session token (unless headers override it). */
export function apiCall(server: WebServer, method: string, args: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(server.port, {
    method: 'POST',
    path: `/api/${encodeURIComponent(method)}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers },
    body: typeof args === 'string' ? args : JSON.stringify(args),
  });
}

/** Row counts of every table a call could write to. */
export function rowCounts(store: Store): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of ['experiments', 'runs', 'metrics', 'evaluations', 'artifacts', 'run_tags']) {
    counts[table] = (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  return counts;
}

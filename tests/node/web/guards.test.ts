// Browser mode's gatekeeping over real HTTP: token, Host, Origin, methods, bodies, static
// files, headers. Every refused request must leave the database exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { apiCall, rawRequest, rowCounts, SECRET, startWebFixture, type WebFixture } from './web-fixture';
import { tinySpec } from '../training/tiny-specs';
import { tokenMatches, createToken } from '../../../main/web/guards';
import { MAX_BODY_BYTES } from '../../../main/web/request-body';

let fx: WebFixture;
beforeAll(async () => {
  fx = await startWebFixture();
});
afterAll(() => fx?.close());

const start = () => ({ spec: tinySpec() });

async function expectRefused(headers: Record<string, string>, status: number, method = 'experiments.start', args: unknown = start()) {
  const before = rowCounts(fx.server.app.store);
  const res = await apiCall(fx.server, method, args, headers);
  expect(res.status).toBe(status);
  expect(JSON.parse(res.body).error.message).toEqual(expect.any(String));
  expect(rowCounts(fx.server.app.store)).toEqual(before);
  expect(fx.server.app.supervisor.running()).toEqual([]);
  return res;
}

describe('browser-mode server: who may call', () => {
  it('listens on 127.0.0.1 only, uses the data folder from TRANSFER_LAB_HOME and prints a token URL', () => {
    expect(fx.server.baseUrl).toBe(`http://127.0.0.1:${fx.server.port}`);
    expect(fx.server.url).toBe(`${fx.server.baseUrl}/?token=${fx.server.token}`);
    expect(fx.server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fx.server.app.databaseFile).toBe(path.join(fx.home, 'transfer-lab.sqlite'));
  });

  it('refuses API calls without the token, with a wrong one, or with it in the query string (401)', async () => {
    const res = await expectRefused({ authorization: '' }, 401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    await expectRefused({ authorization: `Bearer ${createToken()}` }, 401);
    await expectRefused({ authorization: `Bearer ${fx.server.token}x` }, 401);
    await expectRefused({ authorization: `Bearer ${fx.server.token.slice(0, -1)}` }, 401);
    await expectRefused({ authorization: `Basic ${fx.server.token}` }, 401);
    const before = rowCounts(fx.server.app.store);
    const query = await rawRequest(fx.server.port, {
      method: 'POST',
      path: `/api/experiments.start?token=${fx.server.token}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(start()),
    });
    expect(query.status).toBe(401);
    expect(rowCounts(fx.server.app.store)).toEqual(before);
  });

  it('refuses a foreign Host (DNS rebinding) with 403, for the API and static files alike', async () => {
    for (const host of [`evil.example:${fx.server.port}`, `127.0.0.1:${fx.server.port + 1}`, '127.0.0.1', `0.0.0.0:${fx.server.port}`, `[::1]:${fx.server.port}`]) {
      await expectRefused({ host }, 403);
      expect((await rawRequest(fx.server.port, { path: '/', headers: { host } })).status).toBe(403);
    }
    expect((await rawRequest(fx.server.port, { path: '/', headers: { host: `localhost:${fx.server.port}` } })).status).toBe(200);
  });

  it('refuses a foreign Origin (cross-site request) with 403, even with the right token', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${fx.server.port}`, 'null', `https://127.0.0.1:${fx.server.port}`, `http://localhost:${fx.server.port}`]) {
      await expectRefused({ origin }, 403);
    }
    const events = await rawRequest(fx.server.port, { path: `/api/events?token=${fx.server.token}`, headers: { origin: 'http://evil.example' } });
    expect(events.status).toBe(403);
    const own = await apiCall(fx.server, 'experiments.running', {}, { origin: fx.server.baseUrl });
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toEqual({ result: { experimentIds: [] } });
  });

  it('refuses the event stream without the token', async () => {
    expect((await rawRequest(fx.server.port, { path: '/api/events' })).status).toBe(401);
    expect((await rawRequest(fx.server.port, { path: '/api/events?token=nope' })).status).toBe(401);
  });

  it('accepts GET and POST only, JSON bodies only, up to the size limit', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
      const res = await rawRequest(fx.server.port, { method, path: '/api/experiments.start', headers: { authorization: `Bearer ${fx.server.token}` } });
      expect(res.status).toBe(405);
    }
    expect((await apiCall(fx.server, 'experiments.start', start(), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await apiCall(fx.server, 'experiments.start', start(), { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await rawRequest(fx.server.port, { path: '/api/app.info', headers: { authorization: `Bearer ${fx.server.token}` } })).status).toBe(405);
    const empty = await apiCall(fx.server, 'app.info', '');
    expect(empty.status).toBe(400);
    const invalid = await apiCall(fx.server, 'app.info', '{"a":');
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.message).toMatch(/not valid JSON/);

    const before = rowCounts(fx.server.app.store);
    const huge = JSON.stringify({ spec: { ...tinySpec(), name: 'x'.repeat(MAX_BODY_BYTES) } });
    const tooLarge = await apiCall(fx.server, 'experiments.start', huge);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error.message).toMatch(/larger than 20 MB/);
    // Without a Content-Length (chunked), the limit holds while reading.
    const chunked = await apiCall(fx.server, 'experiments.start', huge, { 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    expect(rowCounts(fx.server.app.store)).toEqual(before);
  });

  it('answers unknown paths and methods with 404', async () => {
    expect((await rawRequest(fx.server.port, { path: '/nope.html' })).status).toBe(404);
    expect((await apiCall(fx.server, 'nope.nothing', {})).status).toBe(404);
    expect((await apiCall(fx.server, '__proto__', {})).status).toBe(404);
    expect((await apiCall(fx.server, 'toString', {})).status).toBe(404);
    expect((await apiCall(fx.server, 'app.info/x', {})).status).toBe(404);
  });
});

describe('browser-mode server: static files and headers', () => {
  it('serves the renderer without a token, with the strict CSP and security headers', async () => {
    const res = await rawRequest(fx.server.port, { path: '/' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<div id="app">');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const js = await rawRequest(fx.server.port, { path: '/assets/app.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('renderer');
  });

  it('puts the security headers and no-store on API answers, refusals and 404s too', async () => {
    for (const res of [
      await apiCall(fx.server, 'experiments.running', {}),
      await apiCall(fx.server, 'experiments.running', {}, { authorization: '' }),
      await rawRequest(fx.server.port, { path: '/missing' }),
    ]) {
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('never serves a file outside the renderer folder', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/link.txt',
      `/${'%2e%2e/'.repeat(12)}etc/passwd`,
      '/index.html%00.js',
      '/%E0%A4%A',
      '//etc/passwd',
      '/assets',
    ];
    for (const attempt of attempts) {
      const res = await rawRequest(fx.server.port, { path: attempt });
      expect([400, 404], attempt).toContain(res.status);
      expect(res.body).not.toContain(SECRET);
    }
  });
});

describe('token comparison', () => {
  it('accepts only the exact token', () => {
    const token = createToken();
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(), token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(null, token)).toBe(false);
    expect(tokenMatches(token + token, token)).toBe(false);
  });
});

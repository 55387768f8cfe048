// Browser mode end to end: the real `transfer-lab web` child process serving the built
// renderer to real Chromium. The app loads from the token URL, its calls reach the core
// and the store, a real tiny training run streams its progress into the page, the CSP
// is enforced (as an HTTP header too), and requests without the token or from another
// site are refused and write nothing.
import { describe, expect, it } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { screenshotDir } from './chromium';
import { browserSession } from './browser-session';
import { tinySpec } from '../node/training/tiny-specs';

const session = browserSession();

/** Calls the API from inside the page, with the token the client kept in sessionStorage. */
function pageCall(page: Page, method: string, args: unknown, withToken = true): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, args, withToken }) => {
      const token = sessionStorage.getItem('transfer-lab-token') ?? '';
      const res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(withToken ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(args),
      });
      return { status: res.status, body: await res.json() };
    },
    { method, args, withToken },
  );
}

describe('browser mode in Chromium', () => {
  it('loads the app from the token URL and shows the server’s data folder (app.info through HTTP)', async () => {
    const page = await session.chromium.browser.newPage();
    const response = await page.goto(`${session.web.url}#/settings`);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    await page.getByText(session.web.home, { exact: true }).first().waitFor({ timeout: 30_000 });
    await expect(page.getByText('browser mode').isVisible()).resolves.toBe(true);
    // The client moved the token out of the address bar into sessionStorage.
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => sessionStorage.getItem('transfer-lab-token'))).toBe(session.web.token);
    await page.screenshot({ path: path.join(screenshotDir(), 'browser-mode-settings.png'), fullPage: true });

    // A reload keeps working: static files need no token, the API gets it from sessionStorage.
    await page.reload();
    await page.getByText(session.web.home, { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.close();
  });

  it('streams a real tiny training run into the page and records its runs', async () => {
    const page = await session.chromium.browser.newPage();
    await page.goto(session.web.url);
    const spec = tinySpec();
    const collected = await page.evaluate(async (spec) => {
      const token = sessionStorage.getItem('transfer-lab-token') ?? '';
      const events: { name: string; payload: { runId?: string; experimentId?: string; status?: string } }[] = [];
      const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
      await new Promise((resolve) => (source.onopen = resolve));
      const started = (await (
        await fetch('/api/experiments.start', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ spec }),
        })
      ).json()) as { result: { experimentId: string; runs: { id: string; role: string }[] } };
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no experiment-finished; got ${events.map((e) => e.name).join(',')}`)), 90_000);
        source.onmessage = (message) => {
          const event = JSON.parse(message.data as string) as (typeof events)[number];
          events.push(event);
          if (event.name === 'experiment-finished' && event.payload.experimentId === started.result.experimentId) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      source.close();
      return { started: started.result, events };
    }, spec);

    const { started, events } = collected;
    expect(started.runs.map((r) => r.role)).toEqual(['source', 'target']);
    for (const run of started.runs) {
      const names = events.filter((e) => e.payload.runId === run.id).map((e) => e.name);
      expect(names, run.role).toContain('run-step');
      expect(names, run.role).toContain('run-epoch');
      const statuses = events.filter((e) => e.payload.runId === run.id && e.name === 'run-status').map((e) => e.payload.status);
      expect(statuses, run.role).toEqual(['running', 'completed']);
    }
    const finished = events.find((e) => e.name === 'experiment-finished');
    expect(finished?.payload.status).toBe('completed');

    const list = await pageCall(page, 'runs.list', { experimentId: started.experimentId });
    expect(list.status).toBe(200);
    const rows = (list.body as { result: { rows: { id: string; status: string }[] } }).result.rows;
    expect(rows.map((r) => r.id).sort()).toEqual(started.runs.map((r) => r.id).sort());
    expect(rows.every((r) => r.status === 'completed')).toBe(true);

    await page.goto(`${session.web.baseUrl}/#/runs`);
    await page.getByText(spec.name).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(screenshotDir(), 'browser-mode-runs.png'), fullPage: true });
    await page.close();
  });

  it('enforces the CSP: an injected inline script does not run', async () => {
    const page = await session.chromium.browser.newPage();
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (msg.text().includes('Content Security Policy')) violations.push(msg.text());
    });
    await page.goto(session.web.url);
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.appendChild(s);
    });
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(violations.length).toBeGreaterThan(0);
    await page.close();
  });

  it('refuses API calls without the token (401) and from another site, writing nothing', async () => {
    const page = await session.chromium.browser.newPage();
    await page.goto(session.web.url);
    const before = await pageCall(page, 'runs.list', {});
    const total = (before.body as { result: { total: number } }).result.total;

    const refused = await pageCall(page, 'experiments.start', { spec: tinySpec() }, false);
    expect(refused.status).toBe(401);
    expect((refused.body as { error: { message: string } }).error.message).toMatch(/session token/);
    const events = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const source = new EventSource('/api/events');
          source.onopen = () => resolve('open');
          source.onerror = () => resolve('error');
        }),
    );
    expect(events).toBe('error');

    // Another site (another origin on this machine) that even knows the token: its JSON
    // call needs a preflight the server does not grant, and a "simple" cross-site POST is
    // refused by the Origin check.
    const evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const evilPage = await session.chromium.browser.newPage();
      await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcome = await evilPage.evaluate(
        async ({ target, token, spec }) => {
          const results: string[] = [];
          try {
            await fetch(`${target}/api/experiments.start`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ spec }),
            });
            results.push('cors call went through');
          } catch {
            results.push('cors call blocked');
          }
          // The request is sent; its answer (403) is also withheld from the page by the
          // server's Cross-Origin-Resource-Policy, which makes fetch reject.
          await fetch(`${target}/api/experiments.start`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ spec }) }).catch(() => undefined);
          results.push('simple post sent');
          return results;
        },
        { target: session.web.baseUrl, token: session.web.token, spec: tinySpec() },
      );
      expect(outcome).toEqual(['cors call blocked', 'simple post sent']);
      await evilPage.close();
    } finally {
      evil.close();
    }
    const after = await pageCall(page, 'runs.list', {});
    expect((after.body as { result: { total: number } }).result.total).toBe(total);
    expect((await pageCall(page, 'experiments.running', {})).body).toEqual({ result: { experimentIds: [] } });
    await page.close();
  });
});

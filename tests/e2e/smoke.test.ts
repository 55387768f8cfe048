// Smoke test of the e2e harness: the built renderer, served over loopback HTTP, loads in
// real Chromium, renders the shell, and its CSP blocks an injected inline script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { launchChromium, screenshotDir, type LaunchedBrowser } from './chromium';
import { buildRenderer } from './renderer-build';

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

describe('e2e harness: static renderer in Chromium', () => {
  let server: http.Server;
  let url: string;
  let chromium: LaunchedBrowser;

  beforeAll(async () => {
    const root = await buildRenderer();
    server = http.createServer((req, res) => {
      const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = path.join(root, rel === '/' ? 'index.html' : rel);
      if (!file.startsWith(root) || !fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    server?.close();
  });

  it('loads the shell and blocks inline scripts with its CSP', async () => {
    const page = await chromium.browser.newPage();
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (msg.text().includes('Content Security Policy')) cspViolations.push(msg.text());
    });
    await page.goto(url);
    await expect(page.getByRole('link', { name: 'Runs' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(screenshotDir(), 'smoke-shell.png') });

    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.appendChild(s);
    });
    const injected = await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected);
    expect(injected).toBeUndefined();
    expect(cspViolations.length).toBeGreaterThan(0);
    await page.close();
  });
});

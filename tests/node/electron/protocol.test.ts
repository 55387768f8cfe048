// The app:// handler against real files: what it serves, with which headers, and that no
// URL trick reaches a file outside the renderer folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  APP_PAGE_URL,
  APP_SCHEME_PRIVILEGES,
  RENDERER_CSP,
  registerAppScheme,
  resolveAppPath,
  serveAppRequest,
  serveRenderer,
  type ProtocolModule,
} from '../../../main/electron/protocol';

let base: string;
let root: string;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Transfer Lab</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'with space.css'), 'body{}');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'SECRET-CONTENT-42');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serveAppRequest(new Request(url, { method }), root);

describe('app:// protocol', () => {
  it('serves the page with the strict CSP and the right content type', async () => {
    const res = await get(APP_PAGE_URL);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Transfer Lab</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets, decoding percent-escapes, and / as index.html', async () => {
    const js = await get('app://transfer-lab/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    expect(await (await get('app://transfer-lab/assets/with%20space.css')).text()).toBe('body{}');
    expect((await get('app://transfer-lab/')).status).toBe(200);
    const head = await get('app://transfer-lab/assets/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
  });

  it('answers 404 for missing files and folders, 405 for other methods', async () => {
    expect((await get('app://transfer-lab/nope.js')).status).toBe(404);
    expect((await get('app://transfer-lab/assets')).status).toBe(404);
    expect((await get('app://transfer-lab/index.html', 'POST')).status).toBe(405);
  });

  it('refuses every way out of the renderer folder', async () => {
    for (const url of [
      'app://transfer-lab/%2e%2e/secret.txt',
      'app://transfer-lab/assets/%2E%2E%2F%2E%2E%2Fsecret.txt',
      'app://transfer-lab/..%5csecret.txt',
      'app://transfer-lab/assets/..%5c..%5csecret.txt',
      `app://transfer-lab/${encodeURIComponent(path.join(base, 'secret.txt'))}`,
    ]) {
      const res = await get(url);
      expect(res.status, url).not.toBe(200);
      expect(await res.text(), url).not.toContain('SECRET-CONTENT-42');
    }
    // A symlink inside the folder pointing out of it.
    expect((await get('app://transfer-lab/assets/link.txt')).status).toBe(403);
  });

  it('serves only the transfer-lab host and rejects malformed paths', () => {
    expect(resolveAppPath('app://other-host/index.html', root)).toMatchObject({ status: 404 });
    expect(resolveAppPath('app://transfer-lab/%E0%A4%A', root)).toMatchObject({ status: 400 });
    expect(resolveAppPath('app://transfer-lab/a%00b', root)).toMatchObject({ status: 400 });
    expect(resolveAppPath('app://transfer-lab/assets/app.js', root)).toEqual({ file: path.join(root, 'assets', 'app.js') });
  });

  it('keeps the CSP header identical to the <meta> tag in renderer/index.html', () => {
    const html = fs.readFileSync(path.resolve('renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(RENDERER_CSP);
  });

  it('registers the scheme as standard, secure and fetch-capable only, and serves through protocol.handle', async () => {
    // FakeProtocol: a test double standing in for Electron's `protocol` module.
    const registered: unknown[] = [];
    const handlers = new Map<string, (r: Request) => Response | Promise<Response>>();
    const FakeProtocol: ProtocolModule = {
      registerSchemesAsPrivileged: (schemes) => registered.push(...schemes),
      handle: (scheme, handler) => handlers.set(scheme, handler),
    };
    registerAppScheme(FakeProtocol);
    expect(registered).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(Object.isFrozen(APP_SCHEME_PRIVILEGES.privileges)).toBe(true);
    serveRenderer(FakeProtocol, root);
    const res = await handlers.get('app')!(new Request(APP_PAGE_URL));
    expect(res.status).toBe(200);
  });
});

// The app:// scheme that serves the built renderer (dist/renderer) to the window.
// Why not file://: a file:// page can read any file the user can, shares one opaque origin
// with every other file:// page, and cannot receive a CSP header (Electron security
// checklist item 18, "Avoid usage of the file:// protocol and prefer custom protocols").
// Served from a privileged standard scheme, the page has a real origin (app://transfer-lab),
// `'self'` in the CSP means exactly our files, and every response carries the CSP header
// (checklist item 7) in addition to the <meta> tag in renderer/index.html.
//
// Only the pure request → response part lives here, so it is tested with real files under
// plain Node; main/index.ts wires it to Electron's `protocol`.
import fs from 'node:fs';
import path from 'node:path';
import { contentTypeOf, fileUnderRoot, isWithinFolder } from '../renderer-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'transfer-lab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The one page the window loads. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * The renderer's Content-Security-Policy, sent as a header on every app:// response. It must
 * stay equal to the <meta> tag in renderer/index.html (a test compares them), so the policy
 * is the same whether the page is served by Electron or by browser mode.
 */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'";

/** What protocol.registerSchemesAsPrivileged receives (before the app is ready). */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  scheme: APP_SCHEME,
  // standard: relative URLs and origins work like http; secure: the page is a secure
  // context; supportFetchAPI: the renderer may fetch() its own assets. Nothing else:
  // no bypassCSP, no corsEnabled, no stream privileges.
  privileges: Object.freeze({ standard: true, secure: true, supportFetchAPI: true }),
});

function securityHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': RENDERER_CSP,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    // The files change only with a new build; no point caching them across versions.
    'cache-control': 'no-cache',
  };
}

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: securityHeaders('text/plain; charset=utf-8') });
}

/**
 * Maps an app:// URL to a file inside `rootDir`, or says why not. Decoding happens before the
 * containment check, so %2e%2e%2f, %5c and absolute paths cannot climb out of the folder.
 */
export function resolveAppPath(url: string, rootDir: string): { file: string } | { status: 400 | 403 | 404; reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { status: 404, reason: `unknown host ${parsed.host}` };
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return { status: 400, reason: 'malformed percent-encoding' };
  }
  if (pathname.includes('\0')) return { status: 400, reason: 'NUL in path' };
  // Treat backslashes as separators on every platform so a Windows-style climb is caught too.
  const file = fileUnderRoot(path.resolve(rootDir), pathname.replace(/\\/g, '/'));
  if (file == null) return { status: 403, reason: 'outside the renderer folder' };
  return { file };
}

/** Answers one app:// request from the files under `rootDir` (the built renderer). */
export async function serveAppRequest(request: Request, rootDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
  const target = resolveAppPath(request.url, rootDir);
  if (!('file' in target)) return plain(target.status, target.reason);
  try {
    // A symlink inside dist/renderer must not lead outside it either.
    const real = await fs.promises.realpath(target.file);
    const realRoot = await fs.promises.realpath(rootDir);
    if (!isWithinFolder(realRoot, real)) return plain(403, 'outside the renderer folder');
    const stat = await fs.promises.stat(real);
    if (!stat.isFile()) return plain(404, 'not found');
    const type = contentTypeOf(real);
    const body = request.method === 'HEAD' ? null : await fs.promises.readFile(real);
    return new Response(body, { status: 200, headers: { ...securityHeaders(type), 'content-length': String(stat.size) } });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return plain(404, 'not found');
    return plain(500, 'cannot read file');
  }
}

/** The slice of Electron's `protocol` module used here (a test double can stand in for it). */
export interface ProtocolModule {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Must run before app 'ready': Chromium learns the scheme's privileges at start-up. */
export function registerAppScheme(protocol: ProtocolModule): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME_PRIVILEGES.scheme, privileges: { ...APP_SCHEME_PRIVILEGES.privileges } }]);
}

/** After 'ready': serve dist/renderer on app://transfer-lab/. */
export function serveRenderer(protocol: ProtocolModule, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
}

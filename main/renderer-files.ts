// What both faces that serve the built renderer agree on: Electron's app:// scheme
// (electron/protocol.ts) and browser mode's HTTP server (web/static-files.ts). Each keeps its
// own request handling and extra refusals; the content types and the containment rule live
// here so the two cannot drift apart.
import path from 'node:path';
import { isWithinFolder } from './folder-containment';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content-type header for a renderer file, by extension; unknown kinds are opaque bytes. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export { isWithinFolder };

/**
 * The file under `root` that an already-decoded URL path names ('/' is index.html), or null
 * when the path climbs out of `root`. Symlinks are not followed here: callers check the real
 * path again before reading.
 */
export function fileUnderRoot(root: string, decodedPath: string): string | null {
  const relative = decodedPath === '/' || decodedPath === '' ? 'index.html' : decodedPath.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  return isWithinFolder(root, file) ? file : null;
}

// Serves the built renderer (dist/renderer) read-only. Static files need no token: they
// are the public build output, identical for every install, and hold no data. Requiring
// the token for them would also break reloads, because the client moves the token from the
// address bar into sessionStorage. Everything with data behind it is under /api.
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { appRoot } from '../paths';
import { contentTypeOf, fileUnderRoot, isWithinFolder } from '../renderer-files';

/**
 * Where `vite build --config renderer/vite.config.ts` puts the renderer. The environment
 * variable TRANSFER_LAB_RENDERER_DIR points elsewhere (tests; serving another build).
 */
export function defaultRendererDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TRANSFER_LAB_RENDERER_DIR;
  if (override && override.trim() !== '') return path.resolve(override);
  return path.join(appRoot(), 'dist', 'renderer');
}

export class RendererMissingError extends Error {
  constructor(dir: string) {
    super(`the browser UI is not built: ${path.join(dir, 'index.html')} is missing. Run \`npm run build\` first.`);
    this.name = 'RendererMissingError';
  }
}

export class StaticFiles {
  /** The real path of the renderer folder; every served file must lie inside it. */
  private readonly root: string;
  readonly indexHtml: string;

  constructor(dir: string) {
    const index = path.join(dir, 'index.html');
    if (!fs.existsSync(index)) throw new RendererMissingError(dir);
    this.root = fs.realpathSync(dir);
    this.indexHtml = fs.readFileSync(index, 'utf8');
  }

  /**
   * Finds the file for a URL path, or null. Traversal is impossible: the decoded path is
   * resolved under the root and then resolved again through symlinks, and both must stay
   * inside the root; NUL bytes, backslashes and dot-files are refused outright.
   */
  resolve(urlPath: string): string | null {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return null;
    if (decoded.split('/').some((part) => part.startsWith('.'))) return null;
    const candidate = fileUnderRoot(this.root, decoded);
    if (candidate == null) return null;
    let real: string;
    try {
      real = fs.realpathSync(candidate);
      if (!fs.statSync(real).isFile()) return null;
    } catch {
      return null;
    }
    return isWithinFolder(this.root, real) ? real : null;
  }

  /** Streams a file found by resolve(); HEAD-less by design (the server allows GET and POST only). */
  send(file: string, res: ServerResponse, headers: Record<string, string>): void {
    const type = contentTypeOf(file);
    const size = fs.statSync(file).size;
    // no-cache, not no-store: the browser may keep a copy but must revalidate, so a
    // rebuilt renderer is picked up on reload.
    res.writeHead(200, { ...headers, 'content-type': type, 'content-length': String(size), 'cache-control': 'no-cache' });
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }
}

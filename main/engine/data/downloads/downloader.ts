// Downloads one file over HTTP(S) into place, the way a 170 MB archive on a flaky connection
// needs: bytes go to `<dest>.partial`; a later attempt resumes that file with a Range request;
// the SHA-256 (when known) is checked before the file gets its real name, and the rename is
// the last step, so a file at `dest` is always complete and verified.
//
// node:http/https rather than fetch: we need the socket error codes (ECONNREFUSED, ENOTFOUND)
// to tell "offline" from "broken file", an idle timeout, and plain streaming to disk.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { syncFolder } from '../../atomic-file';
import { DownloadError } from './download-error';

export interface DownloadOptions {
  /** The published SHA-256 (hex); a file that does not match is deleted and an error thrown. */
  sha256?: string;
  /** The published size in bytes: checked like the hash, and the progress total when the server sends none. */
  size?: number;
  /** Called as bytes arrive (at most every 100 ms, and once at the end); total is undefined when unknown. */
  onProgress?: (received: number, total: number | undefined) => void;
  signal?: AbortSignal;
  /** Give up when no data arrives for this long (default 30 s). */
  timeoutMs?: number;
  /** How to get the file without this downloader; appended to "cannot reach" and interruption errors. */
  byHand?: string;
}

export interface DownloadResult {
  file: string;
  bytes: number;
  /** Bytes that came over the network this time: less than `bytes` when a partial file was resumed. */
  fetchedBytes: number;
  /** Length of the partial file that was resumed (0 when the download started from scratch). */
  resumedFrom: number;
  sha256: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
const PROGRESS_INTERVAL_MS = 100;

/** Socket errors that mean the host is out of reach, rather than that the file is bad. */
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'EHOSTDOWN', 'EPIPE', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function partialFileOf(dest: string): string {
  return `${dest}.partial`;
}

/** Downloads `url` to `dest`, resuming `<dest>.partial` when one is there. */
export async function download(url: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const partial = partialFileOf(dest);
  await fs.mkdir(path.dirname(dest), { recursive: true });
  let start = await sizeOf(partial);
  // Longer than the published file: not a prefix of it, so nothing to resume.
  if (opts.size !== undefined && start > opts.size) start = await discard(partial);

  let hash = createHash('sha256');
  if (start > 0) await hashFile(partial, hash);
  const resumedFrom = start;
  let fetchedBytes = 0;
  const alreadyWhole = opts.size !== undefined && start === opts.size;
  if (!alreadyWhole) {
    const got = await fetchInto(url, partial, start, hash, opts);
    if (got.restarted) hash = got.hash;
    fetchedBytes = got.fetched;
    start = got.restarted ? 0 : start;
  }
  const bytes = start + fetchedBytes;
  const sha256 = hash.digest('hex');
  const name = path.basename(dest);
  if (opts.sha256 !== undefined && sha256 !== opts.sha256.toLowerCase()) {
    await fs.rm(partial, { force: true });
    throw new DownloadError(
      `${name} downloaded from ${url} has SHA-256 ${sha256}, but the published SHA-256 is ${opts.sha256.toLowerCase()}; ` +
        `the file was deleted. The server may be sending a different file; try again later or import the files by hand.`,
      'checksum',
      url,
    );
  }
  if (opts.size !== undefined && bytes !== opts.size) {
    await fs.rm(partial, { force: true });
    throw new DownloadError(
      `${name} downloaded from ${url} is ${bytes} bytes, but the published size is ${opts.size} bytes; the file was deleted`,
      'checksum',
      url,
    );
  }
  await fs.rename(partial, dest);
  await syncFolder(path.dirname(dest));
  return { file: dest, bytes, fetchedBytes, resumedFrom, sha256 };
}

interface FetchOutcome {
  fetched: number;
  /** True when the server ignored the Range request and the file was fetched from byte 0. */
  restarted: boolean;
  hash: Hash;
}

/** Appends the bytes from `start` on to `partial` (or rewrites it when the server will not resume). */
async function fetchInto(url: string, partial: string, start: number, hash: Hash, opts: DownloadOptions): Promise<FetchOutcome> {
  const response = await request(url, start, opts);
  let restarted = false;
  let total: number | undefined;
  const length = headerNumber(response.headers['content-length']);
  if (start > 0 && response.statusCode === 416) {
    // The server has nothing after `start`: either the partial file is already whole, or it
    // is not a prefix of the file at all. Only the hash/size check can tell; start over.
    response.resume();
    await discard(partial);
    return { ...(await fetchInto(url, partial, 0, createHash('sha256'), opts)), restarted: true };
  }
  if (start > 0 && response.statusCode === 206) {
    const range = parseContentRange(response.headers['content-range']);
    if (range === null || range.start !== start) {
      response.destroy();
      await discard(partial);
      return { ...(await fetchInto(url, partial, 0, createHash('sha256'), opts)), restarted: true };
    }
    total = range.total ?? opts.size ?? (length !== undefined ? start + length : undefined);
  } else if (response.statusCode === 200) {
    if (start > 0) {
      // The server ignored the Range header and sends the whole file: start over.
      restarted = true;
      hash = createHash('sha256');
    }
    total = length ?? opts.size;
  } else {
    response.resume();
    throw new DownloadError(
      `${url} answered HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim() + withByHand(opts),
      'http',
      url,
    );
  }
  const offset = restarted ? 0 : start;
  const handle = await fs.open(partial, offset > 0 ? 'a' : 'w');
  let fetched = 0;
  let lastReport = 0;
  const report = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    opts.onProgress?.(offset + fetched, total);
  };
  report(true);
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      await handle.write(chunk);
      hash.update(chunk);
      fetched += chunk.length;
      report(false);
    }
    await handle.sync();
  } catch (error) {
    // Destroying the request for a cancel surfaces on the response as a plain "aborted".
    if (opts.signal?.aborted) throw cancelledError(url);
    throw interruptionError(error, url, partial, offset + fetched, total, opts);
  } finally {
    await handle.close();
  }
  if (total !== undefined && offset + fetched < total) {
    throw interruptionError(new Error('the connection closed early'), url, partial, offset + fetched, total, opts);
  }
  report(true);
  return { fetched, restarted, hash };
}

/** One GET, following redirects; resolves with the final response (any status). */
function request(url: string, start: number, opts: DownloadOptions, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new DownloadError(`cannot download "${url}": not a valid URL`, 'http', url));
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      reject(new DownloadError(`cannot download ${url}: only http and https URLs are supported`, 'http', url));
      return;
    }
    if (opts.signal?.aborted) {
      reject(cancelledError(url));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'user-agent': 'transfer-lab', 'accept-encoding': 'identity' };
    if (start > 0) headers.range = `bytes=${start}-`;
    const req = client.get(parsed, { headers });
    const onAbort = () => req.destroy(cancelledError(url));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.once('close', () => opts.signal?.removeEventListener('abort', onAbort));
    // An idle timeout, not a total one: a large file on a slow line may take long but keeps moving.
    req.setTimeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      req.destroy(Object.assign(new Error(`no data for ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' }));
    });
    req.on('error', (error) => reject(error instanceof DownloadError ? error : unreachableError(error, url, opts)));
    req.once('response', (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new DownloadError(`${url} redirected more than ${MAX_REDIRECTS} times`, 'http', url));
          return;
        }
        request(new URL(location, parsed).toString(), start, opts, redirects + 1).then(resolve, reject);
        return;
      }
      resolve(response);
    });
  });
}

function unreachableError(error: unknown, url: string, opts: DownloadOptions): DownloadError {
  const code = (error as NodeJS.ErrnoException).code;
  const host = new URL(url).host;
  const reason = code ? `${code}: ${(error as Error).message}` : (error as Error).message;
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new DownloadError(`could not reach ${host} to download ${url} (${reason}).` + withByHand(opts), 'unreachable', url);
  }
  return new DownloadError(`downloading ${url} failed (${reason}).` + withByHand(opts), 'unreachable', url);
}

function interruptionError(
  error: unknown,
  url: string,
  partial: string,
  received: number,
  total: number | undefined,
  opts: DownloadOptions,
): DownloadError {
  if (error instanceof DownloadError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code ? `${code}: ${(error as Error).message}` : (error as Error).message;
  const of = total !== undefined ? ` of ${total}` : '';
  return new DownloadError(
    `downloading ${url} was interrupted after ${received}${of} bytes (${reason}); ` +
      `${partial} is kept and the next attempt resumes from there.` + withByHand(opts),
    'interrupted',
    url,
  );
}

function cancelledError(url: string): DownloadError {
  return new DownloadError(`download of ${url} was cancelled; the partial file is kept for the next attempt`, 'cancelled', url);
}

function withByHand(opts: DownloadOptions): string {
  return opts.byHand ? ` ${opts.byHand}` : '';
}

function headerNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/** "bytes 100-199/1000" → { start: 100, total: 1000 }; "/*" leaves total undefined. */
function parseContentRange(value: string | undefined): { start: number; total?: number } | null {
  const match = value?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
  if (!match) return null;
  return { start: Number(match[1]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

async function sizeOf(file: string): Promise<number> {
  const stats = await fs.stat(file).catch(() => null);
  return stats?.isFile() ? stats.size : 0;
}

async function discard(file: string): Promise<0> {
  await fs.rm(file, { force: true });
  return 0;
}

async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

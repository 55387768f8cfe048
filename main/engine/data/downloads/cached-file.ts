// The download cache: `<dataFolder>/cache/<name>/<file>`. A file only gets its name there once
// it has arrived whole and verified (downloader.ts), so a file that exists is used as it is,
// without touching the network. Each missing file is tried from every base URL in turn.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { basesFor, cacheFolderOf, type CatalogEntry, type CatalogFile } from './catalog';
import { DownloadError } from './download-error';
import { download } from './downloader';

/** How to download: a mirror, replacement checksums, a timeout, cancellation. */
export interface DownloadSettings {
  /** A mirror holding `<name>/<file>` for every entry; default TRANSFER_LAB_DOWNLOAD_BASE, else the canonical hosts. */
  baseUrl?: string;
  /**
   * SHA-256 per file name, replacing the catalog's (and dropping its size): for a mirror that
   * serves other builds of the files. Files are still verified, against these sums.
   */
  sha256?: Record<string, string>;
  /** Give up on a host when no data arrives for this long (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One progress report: which entry and file, bytes so far, and the file's place in the set. */
export interface DownloadProgress {
  name: string;
  file: string;
  received: number;
  /** Undefined when neither the server nor the catalog gives a size. */
  total?: number;
  fileIndex: number;
  fileCount: number;
}

export interface CachedFileRequest {
  entry: CatalogEntry;
  file: CatalogFile;
  dataFolder: string;
  settings?: DownloadSettings;
  onProgress?: (progress: DownloadProgress) => void;
  /** This file's place in the set, for progress reports. */
  fileIndex?: number;
  fileCount?: number;
}

/** The cached file's path, downloading it first when it is not in the cache yet. */
export async function ensureCachedFile(req: CachedFileRequest): Promise<string> {
  const { entry, file, settings = {} } = req;
  const dest = path.join(cacheFolderOf(req.dataFolder, entry.name), file.name);
  if (await isFile(dest)) return dest;

  const override = settings.sha256?.[file.name];
  const sha256 = override ?? file.sha256;
  const size = override !== undefined ? undefined : file.size;
  const bases = basesFor(entry, settings.baseUrl);
  const urls = bases.map((base) => base + file.name);
  const byHand = entry.byHand(urls);
  const failures: DownloadError[] = [];
  for (const url of urls) {
    try {
      await download(url, dest, {
        sha256,
        size,
        timeoutMs: settings.timeoutMs,
        signal: settings.signal,
        onProgress: (received, total) =>
          req.onProgress?.({
            name: entry.name,
            file: file.name,
            received,
            total,
            fileIndex: req.fileIndex ?? 0,
            fileCount: req.fileCount ?? 1,
          }),
      });
      return dest;
    } catch (error) {
      // An interrupted or cancelled download keeps its partial file; the next attempt, not
      // another host, should resume it. Other failures may be one host's: try the next.
      if (!(error instanceof DownloadError) || error.code === 'cancelled') throw error;
      if (error.code === 'interrupted') throw new DownloadError(`${error.message} ${byHand}`, error.code, error.url);
      failures.push(error);
    }
  }
  throw combinedFailure(failures, byHand);
}

/** One error for every host that failed, with the by-hand instructions once, at the end. */
function combinedFailure(failures: DownloadError[], byHand: string): DownloadError {
  const allUnreachable = failures.every((f) => f.code === 'unreachable');
  const lines = failures.map((f) => f.message);
  const message =
    (allUnreachable ? 'No download host could be reached (are you offline?). ' : '') +
    lines.join(' Then: ') +
    ` ${byHand}`;
  return new DownloadError(message, allUnreachable ? 'unreachable' : failures[failures.length - 1].code, failures[0]?.url);
}

async function isFile(file: string): Promise<boolean> {
  const stats = await fs.stat(file).catch(() => null);
  return stats?.isFile() ?? false;
}

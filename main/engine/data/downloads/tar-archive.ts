// Extracts a .tar.gz (the CIFAR-10 binary archive) with nothing but zlib: a streaming reader
// for ustar/GNU/pax tar, so a 170 MB archive never sits in memory whole. Only regular files
// and folders are written; links and devices are skipped, and any entry whose path would
// leave the destination folder (absolute, or through "..") is refused, as are names Windows
// cannot hold (CON, "a:b", "name.") and names that differ only in case, which Windows and
// macOS would write over each other: an archive extracts to the same files on every OS.
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DownloadError } from './download-error';

const BLOCK = 512;

interface OpenEntry {
  dataLeft: number;
  /** Padding up to the next 512-byte block. */
  skipLeft: number;
  consume: (bytes: Buffer) => Promise<void> | void;
  finish: () => Promise<void>;
}

/** Extracts `archive` into `destFolder`; returns the relative paths of the files written. */
export async function extractTarGz(archive: string, destFolder: string): Promise<string[]> {
  await fs.mkdir(destFolder, { recursive: true });
  const written: string[] = [];
  const bad = (what: string) =>
    new DownloadError(`${archive} is not a usable .tar.gz archive: ${what}`, 'bad-content');

  let buffer: Buffer = Buffer.alloc(0);
  let entry: OpenEntry | null = null;
  let offset = 0;
  let ended = false;
  // Names for the next entry from a GNU long-name ('L') or pax ('x') header.
  let nextName: string | undefined;
  const collisions = new PathCollisions();

  const openEntry = async (header: Buffer): Promise<OpenEntry> => {
    const size = readSize(header, bad);
    const type = String.fromCharCode(header[156] || 0x30);
    const skipLeft = (BLOCK - (size % BLOCK)) % BLOCK;
    const ignore = (): OpenEntry => ({ dataLeft: size, skipLeft, consume: () => {}, finish: async () => {} });
    if (type === 'L' || type === 'x') {
      const parts: Buffer[] = [];
      return {
        dataLeft: size,
        skipLeft,
        consume: (bytes) => void parts.push(Buffer.from(bytes)),
        finish: async () => {
          const text = Buffer.concat(parts).toString('utf8');
          nextName = type === 'L' ? text.replace(/\0.*$/s, '') : (paxPath(text) ?? nextName);
        },
      };
    }
    const name = nextName ?? headerName(header);
    nextName = undefined;
    if (type !== '0' && type !== '5' && type !== '7') return ignore();
    const relative = safeRelativePath(name);
    if (relative === null) throw bad(`entry "${name}" would be written outside ${destFolder}`);
    for (const part of relative === '' ? [] : relative.split(path.sep)) {
      const problem = unportableNamePart(part);
      if (problem) throw bad(`entry "${name}" cannot be written on every system: ${problem}`);
    }
    const earlier = relative === '' ? null : collisions.clash(relative);
    if (earlier !== null) {
      throw bad(`entries "${earlier}" and "${name}" differ only in case (or Unicode form); on Windows and macOS one would overwrite the other`);
    }
    // "./" names the destination itself.
    if (relative === '') {
      if (type === '5') return ignore();
      throw bad(`a file entry has an empty name`);
    }
    const target = path.join(destFolder, relative);
    if (type === '5') {
      await fs.mkdir(target, { recursive: true });
      return ignore();
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const handle = await fs.open(target, 'w');
    return {
      dataLeft: size,
      skipLeft,
      consume: async (bytes) => void (await handle.write(bytes)),
      finish: async () => {
        await handle.sync();
        await handle.close();
        written.push(relative);
      },
    };
  };

  const source = createReadStream(archive).pipe(zlib.createGunzip());
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      buffer = buffer.length > 0 ? Buffer.concat([buffer, chunk]) : chunk;
      while (!ended) {
        if (entry) {
          if (entry.dataLeft > 0) {
            if (buffer.length === 0) break;
            const take = Math.min(entry.dataLeft, buffer.length);
            await entry.consume(buffer.subarray(0, take));
            buffer = buffer.subarray(take);
            entry.dataLeft -= take;
            offset += take;
            continue;
          }
          if (entry.skipLeft > 0) {
            if (buffer.length === 0) break;
            const take = Math.min(entry.skipLeft, buffer.length);
            buffer = buffer.subarray(take);
            entry.skipLeft -= take;
            offset += take;
            continue;
          }
          await entry.finish();
          entry = null;
          continue;
        }
        if (buffer.length < BLOCK) break;
        const header = buffer.subarray(0, BLOCK);
        buffer = buffer.subarray(BLOCK);
        offset += BLOCK;
        // The archive ends with zero blocks; whatever follows is padding.
        if (header.every((b) => b === 0)) {
          ended = true;
          break;
        }
        if (!checksumMatches(header)) throw bad(`the header at byte ${offset - BLOCK} has a wrong checksum`);
        entry = await openEntry(header);
      }
      if (ended) break;
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    throw bad((error as Error).message);
  } finally {
    source.destroy();
  }
  if (entry) throw bad(`it ends in the middle of an entry, at byte ${offset}`);
  if (!ended && buffer.length > 0) throw bad(`it ends in the middle of a header, at byte ${offset}`);
  return written;
}

function cString(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

function headerName(header: Buffer): string {
  const name = cString(header, 0, 100);
  const isUstar = cString(header, 257, 5) === 'ustar';
  const prefix = isUstar ? cString(header, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** Octal, or GNU base-256 (high bit set) for sizes of 8 GiB and more. */
function readSize(header: Buffer, bad: (what: string) => Error): number {
  if (header[124] & 0x80) {
    let value = 0;
    for (let i = 125; i < 136; i++) value = value * 256 + header[i];
    return value;
  }
  const text = cString(header, 124, 12).trim();
  if (!/^[0-7]*$/.test(text)) throw bad(`an entry has a size field that is not octal ("${text}")`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumMatches(header: Buffer): boolean {
  const stored = parseInt(cString(header, 148, 8).trim() || 'NaN', 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return stored === sum;
}

/** The "path" record of a pax extended header: lines of "<length> key=value\n". */
function paxPath(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const match = line.match(/^\d+ path=(.*)$/s);
    if (match) return match[1];
  }
  return undefined;
}

/** The entry's path inside the destination ('' for the destination itself), or null when it would escape it. */
function safeRelativePath(name: string): string | null {
  const cleaned = name.replace(/\\/g, '/');
  if (cleaned.startsWith('/') || /^[a-zA-Z]:/.test(cleaned)) return null;
  const parts = cleaned.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return null;
  return parts.join(path.sep);
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

/**
 * Why a path component cannot be written as-is on Windows, or null when it can. Archives are
 * held to this on every OS, so one archive extracts to the same files everywhere.
 */
export function unportableNamePart(part: string): string | null {
  if (WINDOWS_RESERVED.test(part)) return `"${part}" is a device name reserved on Windows`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\x00-\x1f<>:"|?*]/.test(part)) return `"${part}" holds a character Windows forbids in names (: < > " | ? * or a control character)`;
  if (/[. ]$/.test(part)) return `"${part}" ends with a dot or a space, which Windows drops`;
  return null;
}

/**
 * Remembers every written path and its folders, compared as Windows and macOS compare them
 * (ignoring case and Unicode normalisation), and says when a new one would land on an earlier
 * one that is spelled differently: there the second would overwrite or merge with the first.
 */
class PathCollisions {
  private readonly seen = new Map<string, string>();

  clash(relative: string): string | null {
    const parts = relative.split(path.sep);
    for (let i = 1; i <= parts.length; i++) {
      const spelled = parts.slice(0, i).join('/');
      const key = spelled.normalize('NFC').toLowerCase();
      const earlier = this.seen.get(key);
      if (earlier === undefined) this.seen.set(key, spelled);
      else if (earlier !== spelled) return earlier;
    }
    return null;
  }
}

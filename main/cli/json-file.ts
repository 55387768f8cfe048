// Reads a JSON file the user points at (an experiment spec, a run bundle) whatever wrote it:
// UTF-8 with or without a byte-order mark (Notepad adds one), or UTF-16 (Windows PowerShell's
// `>` and Out-File write UTF-16LE). A folder, a device or an oversized file is refused with
// one line saying what was expected, before anything is read.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from './user-error';

/** Larger than any spec or run bundle the app writes (a bundle with 100 curves of 1e5 points is ~40 MB). */
export const MAX_JSON_FILE_BYTES = 256 * 2 ** 20;

/** Decodes a text file's bytes by their byte-order mark; UTF-16 without one is recognised by its zero bytes. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return strictUtf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // JSON starts with ASCII, so UTF-16 shows as every other byte zero.
  if (bytes.length >= 4 && bytes.length % 2 === 0) {
    if (bytes[0] !== 0 && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) return new TextDecoder('utf-16le').decode(bytes);
    if (bytes[0] === 0 && bytes[1] !== 0 && bytes[2] === 0 && bytes[3] !== 0) return new TextDecoder('utf-16be').decode(bytes);
  }
  return strictUtf8(bytes);
}

function strictUtf8(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** @param what what the file should be, for messages: "spec" or "bundle". */
export function readJsonFile(file: string, what: 'spec' | 'bundle'): unknown {
  const full = path.resolve(file);
  const expected = what === 'spec' ? 'the spec must be a JSON file' : 'a run bundle is a JSON file';
  let stats: fs.Stats;
  try {
    stats = fs.statSync(full);
  } catch {
    throw new UserError(`${what} file not found: ${full}`);
  }
  if (stats.isDirectory()) throw new UserError(`${full} is a folder: ${expected}`);
  if (!stats.isFile()) throw new UserError(`${full} is not a regular file: ${expected}`);
  if (stats.size > MAX_JSON_FILE_BYTES) {
    throw new UserError(`${full} is ${(stats.size / 2 ** 20).toFixed(0)} MiB, larger than the ${MAX_JSON_FILE_BYTES / 2 ** 20} MiB a ${what} file may be`);
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(full);
  } catch (err) {
    throw new UserError(`cannot read ${full}: ${(err as Error).message}`);
  }
  let text: string;
  try {
    text = decodeText(bytes);
  } catch {
    throw new UserError(`${full} is not UTF-8 or UTF-16 text: ${expected}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${full} is not valid JSON: ${(err as Error).message}`);
  }
}

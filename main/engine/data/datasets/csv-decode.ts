// Turns a CSV file's bytes into text the way spreadsheets write them:
// - a byte-order mark says UTF-8, UTF-16 LE (Windows PowerShell, Excel's "Unicode text") or UTF-16 BE;
// - without one, valid UTF-8 is UTF-8, and bytes that are not UTF-8 at all are Windows-1252,
//   what Excel's plain "CSV" writes on Windows and in Western European locales.
// Bytes that fit neither (UTF-8 with broken sequences, the five bytes Windows-1252 leaves
// undefined, NUL bytes of a UTF-16 file without its mark) are refused with their line number:
// decoding them to U+FFFD would silently merge labels such as "café" and "cafè" into one class.
import { DatasetError } from './dataset';

export type CsvEncoding = 'UTF-8' | 'UTF-16 LE' | 'UTF-16 BE' | 'Windows-1252';

export interface DecodedCsv {
  text: string;
  encoding: CsvEncoding;
}

/** Windows-1252's characters for bytes 0x80–0x9F (0 where the byte is undefined); 0xA0–0xFF are Latin-1. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/** 1-based line of byte `offset`, counting LF bytes (CR-only files count CRs). */
function lineOfByte(bytes: Uint8Array, offset: number, newline = 0x0a): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === newline) line++;
  return line;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1; and whether any multi-byte sequence was valid. */
function scanUtf8(bytes: Uint8Array, start: number): { invalidAt: number; sawMultiByte: boolean } {
  let sawMultiByte = false;
  let invalidAt = -1;
  for (let i = start; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let valid = length > 0 && i + length <= bytes.length;
    for (let k = 1; valid && k < length; k++) valid = (bytes[i + k] & 0xc0) === 0x80;
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
    if (valid && length === 3) valid = !(b === 0xe0 && bytes[i + 1] < 0xa0) && !(b === 0xed && bytes[i + 1] >= 0xa0);
    if (valid && length === 4) valid = !(b === 0xf0 && bytes[i + 1] < 0x90) && !(b === 0xf4 && bytes[i + 1] >= 0x90);
    if (!valid) {
      if (invalidAt < 0) invalidAt = i;
      i++;
      continue;
    }
    sawMultiByte = true;
    i += length;
  }
  return { invalidAt, sawMultiByte };
}

function decodeUtf16(bytes: Uint8Array, bigEndian: boolean, file: string): string {
  const body = bytes.subarray(2);
  if (body.length % 2 !== 0) throw new DatasetError(`CSV file ${file} is UTF-16 (it starts with a byte-order mark) but has an odd number of bytes; it is cut short`);
  const units = new Uint16Array(body.length / 2);
  for (let i = 0; i < units.length; i++) units[i] = bigEndian ? (body[2 * i] << 8) | body[2 * i + 1] : body[2 * i] | (body[2 * i + 1] << 8);
  let line = 1;
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (u === 0x0a) line++;
    const high = u >= 0xd800 && u <= 0xdbff;
    const low = u >= 0xdc00 && u <= 0xdfff;
    if (high && units[i + 1] >= 0xdc00 && units[i + 1] <= 0xdfff) i++;
    else if (high || low) throw new DatasetError(`CSV file ${file}, line ${line}: a broken UTF-16 character (a lone surrogate); the file is damaged or not UTF-16`);
  }
  let text = '';
  for (let i = 0; i < units.length; i += 8192) text += String.fromCharCode(...units.subarray(i, i + 8192));
  return text;
}

function decodeCp1252(bytes: Uint8Array, file: string): string {
  const codes = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const code = b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : b;
    if (code === 0) {
      throw new DatasetError(
        `CSV file ${file}, line ${lineOfByte(bytes, i)}: byte 0x${b.toString(16).toUpperCase()} is neither UTF-8 nor Windows-1252 text; save the file as "CSV UTF-8"`,
      );
    }
    codes[i] = code;
  }
  let text = '';
  for (let i = 0; i < codes.length; i += 8192) text += String.fromCharCode(...codes.subarray(i, i + 8192));
  return text;
}

/** The text of a CSV file and the encoding it was read as; refuses bytes that fit no supported encoding. */
export function decodeCsvBytes(bytes: Uint8Array, file: string): DecodedCsv {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: decodeUtf16(bytes, false, file), encoding: 'UTF-16 LE' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: decodeUtf16(bytes, true, file), encoding: 'UTF-16 BE' };
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const start = hasBom ? 3 : 0;
  const nul = bytes.indexOf(0, start);
  if (nul >= 0) {
    throw new DatasetError(
      `CSV file ${file}, line ${lineOfByte(bytes, nul)}: a NUL byte; the file looks like UTF-16 without a byte-order mark, or is not text. Save it as "CSV UTF-8"`,
    );
  }
  const { invalidAt, sawMultiByte } = scanUtf8(bytes, start);
  if (invalidAt < 0) return { text: Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString('utf8'), encoding: 'UTF-8' };
  // Valid multi-byte characters beside invalid bytes: damaged UTF-8, not another encoding.
  if (hasBom || sawMultiByte) {
    throw new DatasetError(
      `CSV file ${file}, line ${lineOfByte(bytes, invalidAt)}: bytes that are not valid UTF-8 in a file that is otherwise UTF-8; the file is damaged or mixes encodings`,
    );
  }
  return { text: decodeCp1252(bytes, file), encoding: 'Windows-1252' };
}

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { download, DownloadError, partialFileOf } from '../../../../../main/engine/data/downloads';
import { makeTempDir } from '../../../../fixtures/dataset-files';
import { closedPort, startFixtureServer, type FixtureServer } from './fixture-server';
import { patternBytes, sha256Of } from './fixture-files';

const temp = makeTempDir('transfer-lab-downloads-');
const big = patternBytes(300_000, 7);
const small = patternBytes(1_000, 3);
let server: FixtureServer;
let case_ = 0;
let dest: string;

beforeAll(async () => {
  server = await startFixtureServer({ '/big.bin': big, '/small.bin': small });
});
afterAll(async () => {
  await server.close();
  temp.remove();
});
beforeEach(() => {
  server.requests.length = 0;
  server.ignoreRange = false;
  server.cutAfter.clear();
  dest = path.join(temp.dir, `case-${++case_}`, 'big.bin');
});

describe('download', () => {
  it('writes the file, reports progress up to the total, and returns its SHA-256', async () => {
    const events: [number, number | undefined][] = [];
    const result = await download(`${server.url}/big.bin`, dest, { onProgress: (r, t) => events.push([r, t]) });
    expect(fs.readFileSync(dest).equals(big)).toBe(true);
    expect(result).toMatchObject({ bytes: big.length, fetchedBytes: big.length, resumedFrom: 0, sha256: sha256Of(big) });
    expect(fs.existsSync(partialFileOf(dest))).toBe(false);
    expect(events[0]).toEqual([0, big.length]);
    expect(events[events.length - 1]).toEqual([big.length, big.length]);
    for (let i = 1; i < events.length; i++) expect(events[i][0]).toBeGreaterThanOrEqual(events[i - 1][0]);
  });

  it('accepts a file whose SHA-256 matches the published one', async () => {
    await download(`${server.url}/small.bin`, dest, { sha256: sha256Of(small).toUpperCase(), size: small.length });
    expect(fs.readFileSync(dest).equals(small)).toBe(true);
  });

  it('deletes a file whose SHA-256 does not match, naming the file and both hashes', async () => {
    const published = sha256Of(Buffer.from('something else'));
    const error = await download(`${server.url}/small.bin`, dest, { sha256: published }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('checksum');
    const message = (error as Error).message;
    expect(message).toContain('big.bin');
    expect(message).toContain(sha256Of(small));
    expect(message).toContain(published);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.existsSync(partialFileOf(dest))).toBe(false);
  });

  it('resumes a partial file with a Range request, fetching only the missing bytes', async () => {
    const have = 123_457;
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(partialFileOf(dest), big.subarray(0, have));
    const result = await download(`${server.url}/big.bin`, dest, { sha256: sha256Of(big), size: big.length });
    expect(server.requests).toEqual([{ path: '/big.bin', range: `bytes=${have}-`, status: 206, bodyBytes: big.length - have }]);
    expect(result).toMatchObject({ resumedFrom: have, fetchedBytes: big.length - have, bytes: big.length });
    expect(fs.readFileSync(dest).equals(big)).toBe(true);
  });

  it('keeps what arrived when the connection breaks, and the next attempt resumes from there', async () => {
    server.cutAfter.set('/big.bin', 100_000);
    const error = await download(`${server.url}/big.bin`, dest, { sha256: sha256Of(big) }).catch((e: unknown) => e);
    expect((error as DownloadError).code).toBe('interrupted');
    expect((error as Error).message).toMatch(/interrupted after 100000 of 300000 bytes/);
    expect(fs.statSync(partialFileOf(dest)).size).toBe(100_000);
    expect(fs.existsSync(dest)).toBe(false);

    server.cutAfter.clear();
    const result = await download(`${server.url}/big.bin`, dest, { sha256: sha256Of(big) });
    expect(server.requests.map((r) => [r.range, r.bodyBytes])).toEqual([
      [undefined, 100_000],
      ['bytes=100000-', 200_000],
    ]);
    expect(result.resumedFrom).toBe(100_000);
    expect(fs.readFileSync(dest).equals(big)).toBe(true);
  });

  it('starts over when the server ignores the Range header (200 instead of 206)', async () => {
    server.ignoreRange = true;
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(partialFileOf(dest), big.subarray(0, 5_000));
    const result = await download(`${server.url}/big.bin`, dest, { sha256: sha256Of(big) });
    expect(server.requests[0]).toMatchObject({ range: 'bytes=5000-', status: 200, bodyBytes: big.length });
    expect(result).toMatchObject({ resumedFrom: 5_000, fetchedBytes: big.length, bytes: big.length });
    expect(fs.readFileSync(dest).equals(big)).toBe(true);
  });

  it('starts over when a leftover partial file is longer than the published size', async () => {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(partialFileOf(dest), patternBytes(big.length + 10, 99));
    await download(`${server.url}/big.bin`, dest, { sha256: sha256Of(big), size: big.length });
    expect(server.requests[0].range).toBeUndefined();
    expect(fs.readFileSync(dest).equals(big)).toBe(true);
  });

  it('starts over when the server has nothing past the partial file (416)', async () => {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(partialFileOf(dest), patternBytes(small.length, 42));
    await download(`${server.url}/small.bin`, dest, { sha256: sha256Of(small) });
    expect(server.requests.map((r) => [r.range, r.status])).toEqual([
      [`bytes=${small.length}-`, 416],
      [undefined, 200],
    ]);
    expect(fs.readFileSync(dest).equals(small)).toBe(true);
  });

  it('says the host could not be reached, and how to get the file by hand, when nothing listens', async () => {
    const port = await closedPort();
    const byHand = 'Download it yourself and use { "kind": "idx" }.';
    const error = await download(`http://127.0.0.1:${port}/big.bin`, dest, { byHand }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('unreachable');
    expect((error as Error).message).toContain(`could not reach 127.0.0.1:${port}`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).toContain(byHand);
  });

  it('reports an HTTP error status with the URL', async () => {
    const error = await download(`${server.url}/missing.bin`, dest).catch((e: unknown) => e);
    expect((error as DownloadError).code).toBe('http');
    expect((error as Error).message).toContain(`${server.url}/missing.bin answered HTTP 404`);
  });

  it('stops when cancelled, keeping the partial file', async () => {
    const controller = new AbortController();
    const error = await download(`${server.url}/big.bin`, dest, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    }).catch((e: unknown) => e);
    expect((error as DownloadError).code).toBe('cancelled');
    expect(server.requests).toHaveLength(1);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.statSync(partialFileOf(dest)).size).toBeLessThan(big.length);
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DownloadError, extractTarGz } from '../../../main/engine/downloads';
import { makeTempDir } from '../../fixtures/dataset-files';
import { patternBytes, tarEntry } from './fixture-files';

const temp = makeTempDir('transfer-lab-tar-');
afterAll(() => temp.remove());

/** Files written into a folder and archived by the system's tar in the given format. */
function systemArchive(name: string, format: 'gnu' | 'pax', files: Record<string, Buffer>): string {
  const source = path.join(temp.dir, `${name}-source`);
  for (const [file, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
    fs.writeFileSync(path.join(source, file), bytes);
  }
  const archive = path.join(temp.dir, `${name}.tar.gz`);
  execFileSync('tar', [`--format=${format}`, '-czf', archive, '-C', source, '.']);
  return archive;
}

describe('extractTarGz', () => {
  const longName = `${'deep/'.repeat(12)}${'n'.repeat(120)}.bin`;
  const files = {
    'top.bin': patternBytes(513, 1),
    'nested/empty.bin': Buffer.alloc(0),
    'nested/block.bin': patternBytes(1024, 2),
    [longName]: patternBytes(70_000, 3),
  };

  for (const format of ['gnu', 'pax'] as const) {
    it(`extracts every file of a ${format} archive made by tar, long names included`, async () => {
      const dest = path.join(temp.dir, `out-${format}`);
      const written = await extractTarGz(systemArchive(format, format, files), dest);
      expect(written.map((f) => f.split(path.sep).join('/')).sort()).toEqual(Object.keys(files).map((f) => f).sort());
      for (const [file, bytes] of Object.entries(files)) expect(fs.readFileSync(path.join(dest, file)).equals(bytes)).toBe(true);
    });
  }

  it('refuses an entry that would be written outside the destination', async () => {
    const archive = path.join(temp.dir, 'evil.tar.gz');
    fs.writeFileSync(archive, zlib.gzipSync(Buffer.concat([tarEntry('ok.txt', Buffer.from('fine')), tarEntry('../escaped.txt', Buffer.from('evil')), Buffer.alloc(1024)])));
    const dest = path.join(temp.dir, 'evil-out');
    const error = await extractTarGz(archive, dest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/evil\.tar\.gz .*entry "\.\.\/escaped\.txt" would be written outside/);
    expect(fs.existsSync(path.join(temp.dir, 'escaped.txt'))).toBe(false);
  });

  it('says so when the archive is cut short or not a tar archive', async () => {
    const whole = fs.readFileSync(systemArchive('cut', 'gnu', { 'a.bin': patternBytes(50_000, 5) }));
    const truncated = path.join(temp.dir, 'truncated.tar.gz');
    fs.writeFileSync(truncated, zlib.gzipSync(zlib.gunzipSync(whole).subarray(0, 20_000)));
    await expect(extractTarGz(truncated, path.join(temp.dir, 'cut-out'))).rejects.toThrow(/truncated\.tar\.gz .*ends in the middle of an entry/);

    const notTar = path.join(temp.dir, 'not-tar.tar.gz');
    fs.writeFileSync(notTar, zlib.gzipSync(patternBytes(2048, 9)));
    await expect(extractTarGz(notTar, path.join(temp.dir, 'not-out'))).rejects.toThrow(/not-tar\.tar\.gz .*wrong checksum/);
  });
});

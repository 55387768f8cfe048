import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DownloadError, extractTarGz } from '../../../../../main/engine/data/downloads';
import { makeTempDir } from '../../../../fixtures/dataset-files';
import { patternBytes, systemTar, tarEntry } from './fixture-files';

const temp = makeTempDir('transfer-lab-tar-');
afterAll(() => temp.remove());

const tar = systemTar();

/** Files written into a folder and archived by the system's tar in the given format (GNU tar's, or bsdtar's "gnutar"). */
function systemArchive(name: string, format: 'gnu' | 'pax', files: Record<string, Buffer>): string {
  const source = path.join(temp.dir, `${name}-source`);
  for (const [file, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
    fs.writeFileSync(path.join(source, file), bytes);
  }
  const archive = path.join(temp.dir, `${name}.tar.gz`);
  tar.run([`--format=${format === 'gnu' ? tar.gnuFormat : format}`, '-czf', archive, '-C', source, '.']);
  return archive;
}

describe('extractTarGz', () => {
  // Over 100 characters (GNU long-name and pax path records), and a last part too long for a
  // ustar name field; short enough that the source folder stays under Windows' 260-character paths.
  const longName = `${'deep/'.repeat(6)}${'n'.repeat(100)}.bin`;
  const files = {
    'top.bin': patternBytes(513, 1),
    'nested/empty.bin': Buffer.alloc(0),
    'nested/block.bin': patternBytes(1024, 2),
    [longName]: patternBytes(70_000, 3),
  };

  for (const format of ['gnu', 'pax'] as const) {
    it(`extracts every file of a ${format} archive made by the system's tar, long names included`, async () => {
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

  const archiveOf = (name: string, entries: [string, string][]) => {
    const archive = path.join(temp.dir, `${name}.tar.gz`);
    fs.writeFileSync(archive, zlib.gzipSync(Buffer.concat([...entries.map(([n, body]) => tarEntry(n, Buffer.from(body))), Buffer.alloc(1024)])));
    return archive;
  };

  it('refuses names Windows cannot hold, on every OS, so an archive extracts the same everywhere', async () => {
    const cases: [string, RegExp][] = [
      ['data/CON', /"CON" is a device name reserved on Windows/],
      ['data/nul.txt', /"nul\.txt" is a device name reserved on Windows/],
      ['data/Com1.bin', /"Com1\.bin" is a device name reserved on Windows/],
      ['data/a:b.bin', /"a:b\.bin" holds a character Windows forbids/],
      ['data/file.bin:stream', /holds a character Windows forbids/],
      ['data/what?.bin', /holds a character Windows forbids/],
      ['data/name.', /"name\." ends with a dot or a space/],
      ['trailing /x.bin', /"trailing " ends with a dot or a space/],
    ];
    for (const [i, [name, message]] of cases.entries()) {
      const dest = path.join(temp.dir, `unportable-out-${i}`);
      const error = await extractTarGz(archiveOf(`unportable-${i}`, [['ok.bin', 'fine'], [name, 'x']]), dest).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(DownloadError);
      expect((error as Error).message).toContain(`entry "${name}" cannot be written on every system`);
      expect((error as Error).message).toMatch(message);
    }
    // Ordinary names with dots, spaces and non-ASCII letters are fine.
    const fine = ['data/.hidden', 'data/con-tents.bin', 'data/my file.v2.bin', 'data/café.bin', 'data/CONSOLE'];
    const written = await extractTarGz(archiveOf('portable', fine.map((n) => [n, n])), path.join(temp.dir, 'portable-out'));
    expect(written.map((f) => f.split(path.sep).join('/')).sort()).toEqual([...fine].sort());
  });

  it('refuses two names that differ only in case or Unicode form, which Windows and macOS would write over each other', async () => {
    const pairs: [string, string][] = [
      ['data/Batch.bin', 'data/batch.bin'],
      ['Data/a.bin', 'data/b.bin'],
      ['data/caf\u00e9.bin', 'data/cafe\u0301.bin'],
    ];
    for (const [i, [first, second]] of pairs.entries()) {
      const error = await extractTarGz(archiveOf(`clash-${i}`, [[first, '1'], [second, '2']]), path.join(temp.dir, `clash-out-${i}`)).catch((e: unknown) => e);
      expect(error, second).toBeInstanceOf(DownloadError);
      expect((error as Error).message).toMatch(/differ only in case \(or Unicode form\); on Windows and macOS one would overwrite the other/);
      expect((error as Error).message).toContain(`"${second}"`);
    }
    // The same name twice is a later version of the file (tar appends), not a clash.
    const dest = path.join(temp.dir, 'same-out');
    await extractTarGz(archiveOf('same', [['data/a.bin', 'old'], ['data/a.bin', 'new']]), dest);
    expect(fs.readFileSync(path.join(dest, 'data', 'a.bin'), 'utf8')).toBe('new');
  });

  it('says so when the archive is cut short or not a tar archive', async () => {
    const whole = fs.readFileSync(systemArchive('cut', 'pax', { 'a.bin': patternBytes(50_000, 5) }));
    const truncated = path.join(temp.dir, 'truncated.tar.gz');
    fs.writeFileSync(truncated, zlib.gzipSync(zlib.gunzipSync(whole).subarray(0, 20_000)));
    await expect(extractTarGz(truncated, path.join(temp.dir, 'cut-out'))).rejects.toThrow(/truncated\.tar\.gz .*ends in the middle of an entry/);

    const notTar = path.join(temp.dir, 'not-tar.tar.gz');
    fs.writeFileSync(notTar, zlib.gzipSync(patternBytes(2048, 9)));
    await expect(extractTarGz(notTar, path.join(temp.dir, 'not-out'))).rejects.toThrow(/not-tar\.tar\.gz .*wrong checksum/);
  });
});

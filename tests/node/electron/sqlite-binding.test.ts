// Which better-sqlite3 binary a process loads (main/store/sqlite-binding.ts): Node's own build
// under plain Node, the .electron-native/ copy under Electron. Electron cannot run here, so
// "running in Electron" is a process.versions with an electron entry (test double), and the
// binary loaded through nativeBinding is this machine's Node build copied into the Electron slot.
import { afterEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chooseSqliteBinding, electronSqliteBinary, isAbiMismatch } from '../../../main/store/sqlite-binding';
import { openDatabase } from '../../../main/store/db';
// @ts-expect-error plain JavaScript build script without type declarations
import { targetFile } from '../../../scripts/electron-native.mjs';

const require = createRequire(import.meta.url);
const nodeBinary = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('chooseSqliteBinding', () => {
  it('under plain Node keeps better-sqlite3 own build (and never looks for the app root)', () => {
    const choice = chooseSqliteBinding(() => {
      throw new Error('root must not be needed under Node');
    });
    expect(choice.nativeBinding).toBeUndefined();
    expect(choice.hint).toMatch(/npm rebuild better-sqlite3/);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-binding-'));
    const db = openDatabase(path.join(dir, 'a.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('under Electron (process.versions test double) loads the .electron-native copy through nativeBinding', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-binding-'));
    const versions = { ...process.versions, electron: '45.5.0' } as NodeJS.ProcessVersions;
    const slot = electronSqliteBinary(dir, '45.5.0');
    expect(slot).toBe(path.join(dir, '.electron-native', `electron-45.5.0-${process.platform}-${process.arch}`, 'better_sqlite3.node'));
    fs.mkdirSync(path.dirname(slot), { recursive: true });
    fs.copyFileSync(nodeBinary, slot);
    const choice = chooseSqliteBinding(() => dir!, versions);
    expect(choice.nativeBinding).toBe(slot);
    const db = new BetterSqlite3(':memory:', { nativeBinding: choice.nativeBinding });
    expect(db.prepare('select 1 + 1 as two').get()).toEqual({ two: 2 });
    db.close();
  });

  it('under Electron without the copy (packaged app, or not built yet) keeps the default and says how to build it', () => {
    const versions = { ...process.versions, electron: '45.5.0' } as NodeJS.ProcessVersions;
    const choice = chooseSqliteBinding(() => '/app', versions, () => false);
    expect(choice.nativeBinding).toBeUndefined();
    expect(choice.hint).toMatch(/npm run electron:native/);
    expect(choice.hint).toContain(electronSqliteBinary('/app', '45.5.0'));
  });

  it('the build script writes where the app looks', () => {
    expect(targetFile('/repo', '45.5.0')).toBe(electronSqliteBinary('/repo', '45.5.0'));
  });

  it('recognises the ABI mismatch error Node gives', () => {
    const message =
      "The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 150.";
    expect(isAbiMismatch(new Error(message))).toBe(true);
    expect(isAbiMismatch(new Error('SQLITE_CANTOPEN'))).toBe(false);
  });
});

// scripts/merge-latest-mac.mjs: one latest-mac.yml for both macOS CPUs, run for real on
// files shaped like electron-builder's.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
// @ts-expect-error plain JavaScript build script without type declarations
import { mergeLatestMac } from '../../../scripts/merge-latest-mac.mjs';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const file = (arch: string) => ({ url: `Transfer-Lab-0.2.0-${arch}-mac.zip`, sha512: `sha-${arch}`, size: 100 });
const doc = (arch: string, date: string) => ({ version: '0.2.0', files: [file(arch)], path: file(arch).url, sha512: `sha-${arch}`, releaseDate: date });

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('merge-latest-mac', () => {
  it('keeps both CPUs\' files under one version, the first path and the latest date', () => {
    const merged = mergeLatestMac([doc('x64', '2026-01-01T00:00:00.000Z'), doc('arm64', '2026-01-01T00:05:00.000Z')]);
    expect(merged).toEqual({ version: '0.2.0', files: [file('x64'), file('arm64')], path: file('x64').url, sha512: 'sha-x64', releaseDate: '2026-01-01T00:05:00.000Z' });
  });

  it('refuses documents of different versions', () => {
    expect(() => mergeLatestMac([doc('x64', 'a'), { ...doc('arm64', 'b'), version: '0.3.0' }])).toThrow(/versions differ \(0\.2\.0 and 0\.3\.0\)/);
    expect(() => mergeLatestMac([])).toThrow(/no latest-mac.yml/);
  });

  it('writes the merged YAML from the command line', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-merge-'));
    const a = path.join(dir, 'a.yml');
    const b = path.join(dir, 'b.yml');
    fs.writeFileSync(a, `version: 0.2.0\nfiles:\n  - url: ${file('x64').url}\n    sha512: sha-x64\n    size: 100\npath: ${file('x64').url}\nsha512: sha-x64\nreleaseDate: '2026-01-01T00:00:00.000Z'\n`);
    fs.writeFileSync(b, `version: 0.2.0\nfiles:\n  - url: ${file('arm64').url}\n    sha512: sha-arm64\n    size: 100\npath: ${file('arm64').url}\nsha512: sha-arm64\nreleaseDate: '2026-01-01T00:05:00.000Z'\n`);
    const out = path.join(dir, 'latest-mac.yml');
    execFileSync(process.execPath, ['scripts/merge-latest-mac.mjs', out, a, b]);
    const merged = yaml.load(fs.readFileSync(out, 'utf8')) as { files: { url: string }[] };
    expect(merged.files.map((f) => f.url)).toEqual([file('x64').url, file('arm64').url]);
  });
});

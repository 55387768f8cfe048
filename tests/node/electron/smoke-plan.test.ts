// The Electron smoke test's own logic (tests/electron/smoke-plan.ts), under plain Node: where
// each OS's packaged app is, when the test runs or skips (and that CI cannot skip), and the
// fuse check, on FakeElectronBinary (a test double for the Electron executable: random
// bytes around a real fuse wire) flipped by the real after-pack hook and @electron/fuses.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
// @ts-expect-error plain JavaScript build hook without type declarations
import { afterPack, FUSE_SETTINGS } from '../../../scripts/after-pack.mjs';
import { chooseSmokeTarget, fuseMismatches, isKilledRunError, packagedLayout, screenshotName } from '../../electron/smoke-plan';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('packagedLayout', () => {
  it("finds electron-builder's unpacked app on each OS", () => {
    expect(packagedLayout('/r', 'linux', 'x64')).toEqual({ bundle: '/r/linux-unpacked', executable: '/r/linux-unpacked/transfer-lab', fuseTarget: '/r/linux-unpacked/transfer-lab' });
    expect(packagedLayout('/r', 'darwin', 'arm64')).toEqual({
      bundle: '/r/mac-arm64/Transfer Lab.app',
      executable: '/r/mac-arm64/Transfer Lab.app/Contents/MacOS/Transfer Lab',
      fuseTarget: '/r/mac-arm64/Transfer Lab.app',
    });
    expect(packagedLayout('/r', 'darwin', 'x64').bundle).toBe('/r/mac/Transfer Lab.app');
    expect(packagedLayout('C:\\r', 'win32', 'x64')).toEqual({ bundle: 'C:\\r\\win-unpacked', executable: 'C:\\r\\win-unpacked\\Transfer Lab.exe', fuseTarget: 'C:\\r\\win-unpacked\\Transfer Lab.exe' });
    expect(() => packagedLayout('/r', 'aix', 'ppc64')).toThrow(/aix/);
  });
});

describe('chooseSmokeTarget', () => {
  const inputs = { env: {}, platform: 'linux' as NodeJS.Platform, arch: 'x64', releaseDir: '/repo/release' };

  it('skips with the reason and the way to build the app when none is packaged', () => {
    const target = chooseSmokeTarget({ ...inputs, exists: () => false });
    expect(target).toEqual({ kind: 'skip', reason: expect.stringContaining('/repo/release/linux-unpacked/transfer-lab') });
    expect(target.kind === 'skip' && target.reason).toMatch(/npm run dist -- --dir/);
  });

  it('fails instead of skipping when the workflow requires it', () => {
    expect(() => chooseSmokeTarget({ ...inputs, env: { TRANSFER_LAB_SMOKE_REQUIRED: '1' }, exists: () => false })).toThrow(/TRANSFER_LAB_SMOKE_REQUIRED=1 but no packaged Electron app/);
  });

  it('runs the packaged app when it exists, from another release folder if named', () => {
    const seen: string[] = [];
    const target = chooseSmokeTarget({ ...inputs, env: { TRANSFER_LAB_ELECTRON_RELEASE: '/elsewhere' }, exists: (f) => (seen.push(f), true) });
    expect(target).toEqual({ kind: 'packaged', layout: packagedLayout('/elsewhere', 'linux', 'x64') });
    expect(seen).toEqual(['/elsewhere/linux-unpacked/transfer-lab']);
  });
});

describe('fuse check', () => {
  it('passes for a binary the after-pack hook flipped, and names the inspect fuse on the inspectable twin', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-smoke-fuses-'));
    const appOutDir = path.join(dir, 'linux-unpacked');
    const binary = path.join(appOutDir, 'transfer-lab');
    fs.mkdirSync(appOutDir);
    // Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, …
    fs.writeFileSync(binary, Buffer.concat([Buffer.alloc(4000, 7), Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101100011'), Buffer.alloc(4000, 9)]));
    const indexOf = FuseV1Options as unknown as Record<string, number>;
    const before = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
    expect(fuseMismatches(before, FUSE_SETTINGS, indexOf)).toContain('RunAsNode: wanted off, read on');

    await afterPack({ appOutDir, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'transfer-lab', appInfo: { productFilename: 'Transfer Lab' } } });
    expect(fuseMismatches((await getCurrentFuseWire(binary)) as unknown as Record<number, number>, FUSE_SETTINGS, indexOf)).toEqual([]);

    await flipFuses(binary, { version: FuseVersion.V1, [FuseV1Options.EnableNodeCliInspectArguments]: true });
    expect(fuseMismatches((await getCurrentFuseWire(binary)) as unknown as Record<number, number>, FUSE_SETTINGS, indexOf)).toEqual(['EnableNodeCliInspectArguments: wanted off, read on']);
    expect(fuseMismatches({}, { NotAFuse: true }, indexOf)).toEqual(['NotAFuse: unknown to @electron/fuses']);
  });
});

describe('small helpers', () => {
  it('numbers screenshots in step order with file-safe names', () => {
    expect(screenshotName(3, 'After killing the worker!')).toBe('03-after-killing-the-worker.png');
  });

  it("recognises the supervisor's wording for a worker killed from outside", () => {
    expect(isKilledRunError('the training process exited with code 15 before finishing: utility process gone: killed (exit code 15)')).toBe(true);
    expect(isKilledRunError('the training process was killed by SIGKILL before finishing')).toBe(true);
    expect(isKilledRunError('cancelled by the user')).toBe(false);
    expect(isKilledRunError(null)).toBe(false);
  });
});

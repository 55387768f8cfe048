// The decisions of the Electron smoke test (tests/electron/smoke.test.ts), apart from
// Electron so they are unit-tested under plain Node (tests/node/electron/smoke-plan.test.ts):
// which app to launch, where a packaged app's files are on each OS, and whether the fuses
// read back as scripts/after-pack.mjs set them.
import path from 'node:path';

/** electron-builder's unpacked output for one OS and CPU. */
export interface PackagedLayout {
  /** What to copy for the inspectable twin: the folder (Windows, Linux) or the .app (macOS). */
  bundle: string;
  /** The executable inside the bundle. */
  executable: string;
  /** What @electron/fuses reads and flips: the .app on macOS, the executable elsewhere. */
  fuseTarget: string;
}

export const PRODUCT_NAME = 'Transfer Lab';
/** electron-builder's executableName on Linux: package.json's name. */
export const LINUX_EXECUTABLE = 'transfer-lab';

export function packagedLayout(releaseDir: string, platform: NodeJS.Platform, arch: string): PackagedLayout {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  switch (platform) {
    case 'darwin': {
      const folder = arch === 'arm64' ? 'mac-arm64' : arch === 'universal' ? 'mac-universal' : 'mac';
      const bundle = join(releaseDir, folder, `${PRODUCT_NAME}.app`);
      return { bundle, executable: join(bundle, 'Contents', 'MacOS', PRODUCT_NAME), fuseTarget: bundle };
    }
    case 'win32': {
      const bundle = join(releaseDir, arch === 'arm64' ? 'win-arm64-unpacked' : 'win-unpacked');
      const executable = join(bundle, `${PRODUCT_NAME}.exe`);
      return { bundle, executable, fuseTarget: executable };
    }
    case 'linux': {
      const bundle = join(releaseDir, arch === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked');
      const executable = join(bundle, LINUX_EXECUTABLE);
      return { bundle, executable, fuseTarget: executable };
    }
    default:
      throw new Error(`smoke test: no packaged layout known for platform ${platform}`);
  }
}

export type SmokeTarget =
  | { kind: 'packaged'; layout: PackagedLayout }
  | { kind: 'skip'; reason: string };

export interface SmokeInputs {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  arch: string;
  /** The repository's release/ folder (electron-builder's output). */
  releaseDir: string;
  exists(file: string): boolean;
}

/**
 * The packaged app to test: TRANSFER_LAB_ELECTRON_RELEASE names another release folder.
 * Without one the test is skipped with the reason — unless TRANSFER_LAB_SMOKE_REQUIRED=1
 * (set by the workflow), where a missing app is an error, so CI can never pass by skipping.
 */
export function chooseSmokeTarget(inputs: SmokeInputs): SmokeTarget {
  const releaseDir = inputs.env.TRANSFER_LAB_ELECTRON_RELEASE || inputs.releaseDir;
  const layout = packagedLayout(releaseDir, inputs.platform, inputs.arch);
  if (inputs.exists(layout.executable)) return { kind: 'packaged', layout };
  const reason =
    `no packaged Electron app at ${layout.executable}: build one with \`npm run dist -- --dir\` ` +
    '(needs to download Electron, so not on machines without internet access), or set TRANSFER_LAB_ELECTRON_RELEASE';
  if (inputs.env.TRANSFER_LAB_SMOKE_REQUIRED === '1') throw new Error(`TRANSFER_LAB_SMOKE_REQUIRED=1 but ${reason}`);
  return { kind: 'skip', reason };
}

/** @electron/fuses' FuseState values. */
export const FUSE_ENABLED = 49;
export const FUSE_DISABLED = 48;

/**
 * Fuses that differ from the wanted settings, as readable lines; empty when all match.
 * `wire` maps fuse index → state; `indexOf` maps fuse name → index (FuseV1Options).
 */
export function fuseMismatches(wire: Record<number, number | undefined>, wanted: Record<string, boolean>, indexOf: Record<string, number | string>): string[] {
  const problems: string[] = [];
  for (const [name, enabled] of Object.entries(wanted)) {
    const index = indexOf[name];
    if (typeof index !== 'number') {
      problems.push(`${name}: unknown to @electron/fuses`);
      continue;
    }
    const state = wire[index];
    const want = enabled ? FUSE_ENABLED : FUSE_DISABLED;
    if (state !== want) problems.push(`${name}: wanted ${enabled ? 'on' : 'off'}, read ${state === FUSE_ENABLED ? 'on' : state === FUSE_DISABLED ? 'off' : String(state)}`);
  }
  return problems;
}

/** "01-window.png": screenshots are numbered in the order the steps ran. */
export function screenshotName(step: number, label: string): string {
  return `${String(step).padStart(2, '0')}-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.png`;
}

/** The error a run killed from outside ends with: the supervisor's wording for an abnormal exit. */
export function isKilledRunError(error: string | null | undefined): boolean {
  return typeof error === 'string' && /the training process (was killed|exited with code|ran out of memory)/.test(error);
}

// Which compiled better-sqlite3 this process loads. One node_modules serves plain Node (CLI,
// browser mode, tests: node_modules/better-sqlite3/build, built by `npm ci`) and Electron,
// whose Node has another ABI. For Electron from a checkout (`npm start`),
// scripts/electron-native.mjs builds a second copy for the installed Electron version into
// .electron-native/, and better-sqlite3's `nativeBinding` option loads it. The packaged app
// has no .electron-native/: electron-builder rebuilt the module itself, so the default is right.
// The choice is the same in the main process and in the training utility process.
import fs from 'node:fs';
import path from 'node:path';

export const ELECTRON_NATIVE_FOLDER = '.electron-native';
export const SQLITE_BINARY_NAME = 'better_sqlite3.node';

/** <root>/.electron-native/electron-<version>-<platform>-<arch>/better_sqlite3.node */
export function electronSqliteBinary(root: string, electronVersion: string, platform: string = process.platform, arch: string = process.arch): string {
  return path.join(root, ELECTRON_NATIVE_FOLDER, `electron-${electronVersion}-${platform}-${arch}`, SQLITE_BINARY_NAME);
}

export interface BindingChoice {
  /** better-sqlite3's nativeBinding option, or undefined for its own build/ folder. */
  nativeBinding?: string;
  /** Said when opening fails with an ABI mismatch. */
  hint?: string;
}

/** The binary for this runtime: Electron's copy when running in Electron and it exists. */
export function chooseSqliteBinding(
  root: () => string,
  versions: NodeJS.ProcessVersions = process.versions,
  exists: (file: string) => boolean = fs.existsSync,
): BindingChoice {
  const electron = (versions as { electron?: string }).electron;
  if (!electron) {
    return { hint: 'better-sqlite3 was built for another Node version: run `npm rebuild better-sqlite3` (after `npm run dist`, which rebuilds it for Electron)' };
  }
  const file = electronSqliteBinary(root(), electron);
  if (exists(file)) return { nativeBinding: file };
  return { hint: `no better-sqlite3 built for Electron ${electron} at ${file}: run \`npm run electron:native\` (needs internet access), or \`npm start\`, which does it` };
}

/** True for the error Node gives when a native module was compiled for another ABI. */
export function isAbiMismatch(err: unknown): boolean {
  return err instanceof Error && /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(err.message);
}

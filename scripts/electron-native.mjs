// Builds better-sqlite3 for the installed Electron into .electron-native/, beside the copy
// `npm ci` built for plain Node, so one node_modules serves both (see
// main/store/sqlite-binding.ts, which picks the copy at run time). `npm start` runs it; it
// does nothing when the copy for this Electron version, platform and CPU already exists.
//
// How: copy the better-sqlite3 package (sources included) into a scratch project and let
// @electron/rebuild fetch the prebuilt Electron binary or compile it against Electron's
// headers. Either needs internet access (GitHub for the prebuilt binary, electronjs.org for
// headers). npm_config_nodedir is removed for the child builds: it would point node-gyp at
// plain Node's headers and produce a binary Electron refuses.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

/** Same layout as electronSqliteBinary() in main/store/sqlite-binding.ts (a test checks they agree). */
export function targetFile(projectRoot, electronVersion, platform = process.platform, arch = process.arch) {
  return path.join(projectRoot, '.electron-native', `electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node');
}

/** Files of the better-sqlite3 package that a build needs (not its Node build/ output). */
const PACKAGE_PARTS = ['package.json', 'binding.gyp', 'lib', 'src', 'deps'];

export async function buildElectronSqlite({ projectRoot = root, log = console.log } = {}) {
  const electronVersion = require('electron/package.json').version;
  const target = targetFile(projectRoot, electronVersion);
  if (fs.existsSync(target)) {
    log(`electron-native: better-sqlite3 for Electron ${electronVersion} is in ${path.relative(projectRoot, target)}`);
    return target;
  }
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const scratch = path.join(projectRoot, '.electron-native', 'scratch');
  fs.rmSync(scratch, { recursive: true, force: true });
  const moduleDir = path.join(scratch, 'node_modules', 'better-sqlite3');
  for (const part of PACKAGE_PARTS) {
    const from = path.join(source, part);
    if (!fs.existsSync(from)) throw new Error(`electron-native: ${from} is missing; reinstall with npm ci`);
    fs.cpSync(from, path.join(moduleDir, part), { recursive: true });
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'electron-native-scratch', private: true, dependencies: { 'better-sqlite3': version } }));
  log(`electron-native: building better-sqlite3 ${version} for Electron ${electronVersion} (${process.platform}-${process.arch})…`);
  delete process.env.npm_config_nodedir;
  delete process.env.NPM_CONFIG_NODEDIR;
  const { rebuild } = await import('@electron/rebuild');
  try {
    await rebuild({ buildPath: scratch, electronVersion, arch: process.arch, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential' });
  } catch (err) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new Error(`electron-native: could not build better-sqlite3 for Electron ${electronVersion} (it downloads a prebuilt binary or Electron's headers, so it needs internet access): ${err.message}`);
  }
  const built = path.join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(built)) throw new Error(`electron-native: the rebuild finished but ${built} does not exist`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(built, target);
  fs.rmSync(scratch, { recursive: true, force: true });
  log(`electron-native: wrote ${path.relative(projectRoot, target)}`);
  return target;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildElectronSqlite().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}

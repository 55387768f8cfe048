// electron-builder.yml checked with electron-builder's own code: its configuration loader and
// schema validation, and its file matchers applied to this repository, so the packaged file
// set is what electron-builder would pack (without downloading Electron to run a build).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve('.');

interface Filter {
  (file: string, stat: FakeStat): boolean;
}
interface Matcher {
  readonly from: string;
  readonly to: string;
  readonly patterns: string[];
  createFilter(): Filter;
}
/** FakeStat: a test double for fs.Stats, carrying what electron-builder's filters read. */
interface FakeStat {
  isDirectory(): boolean;
  moduleFullFilePath?: string;
}

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, options: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const fileMatcher = require('app-builder-lib/out/fileMatcher') as {
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns: string[]) => Matcher;
  getMainFileMatchers(appDir: string, dest: string, expand: (p: string) => string, platformOptions: object, packager: object, outDir: string, electronCompile: boolean): Matcher[];
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (p: string) => string, platformOptions: object, packagerInfo: object): Matcher;
  getFileMatchers(config: object, name: string, dest: string, options: object): Matcher[] | null;
};

const expand = (p: string) => p;
const file: FakeStat = { isDirectory: () => false };
const dir: FakeStat = { isDirectory: () => true };
let config: Record<string, unknown>;
const packagerInfo = () => ({
  projectDir: root,
  buildResourcesDir: path.resolve(root, 'resources/build'),
  isPrepackedAppAsar: false,
  config,
  debugLogger: { isEnabled: false },
});

beforeAll(async () => {
  config = await getConfig(root, 'electron-builder.yml', null);
});

/** What electron-builder would copy from the project itself (not node_modules), as relative paths. */
function packagedAppFiles(extra: string[]): string[] {
  const [main] = fileMatcher.getMainFileMatchers(root, '/out/app', expand, {}, { info: packagerInfo() }, path.join(root, 'release'), false);
  const accept = main.createFilter();
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      if (entry.isDirectory()) {
        if (accept(full, dir)) walk(full);
      } else if (accept(full, file)) {
        found.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  walk(root);
  // Build outputs that may not exist in this checkout yet: judged by the same filter.
  for (const rel of extra) if (accept(path.join(root, rel), file) && !found.includes(rel)) found.push(rel);
  return found.sort();
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation, which does reject unknown options", async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...structuredClone(config), notAnOption: true }, new DebugLogger(false))).rejects.toThrow(/notAnOption/);
  });

  it('names the product, the three installers, hardened runtime and the fuse hook', async () => {
    expect(config).toMatchObject({ productName: 'Transfer Lab', asar: true, afterPack: './scripts/after-pack.mjs' });
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.win).toMatchObject({ target: [{ target: 'nsis' }] });
    expect(config.mac).toMatchObject({
      target: [
        { target: 'dmg', arch: ['x64', 'arm64'] },
        { target: 'zip', arch: ['x64', 'arm64'] },
      ],
      hardenedRuntime: true,
    });
    expect((config.linux as { target: { target: string }[] }).target.map((t) => t.target)).toEqual(['AppImage', 'deb']);
    for (const key of ['entitlements', 'entitlementsInherit'] as const) {
      const plist = fs.readFileSync((config.mac as Record<string, string>)[key], 'utf8');
      expect(plist).toContain('com.apple.security.cs.allow-jit');
    }
    // Loaded the way electron-builder loads hooks: by path, then the export named afterPack.
    const { resolveFunction } = require('app-builder-lib/out/util/resolve') as { resolveFunction(t: unknown, p: string, name: string, root: string): Promise<unknown> };
    const hook = await resolveFunction(undefined, config.afterPack as string, 'afterPack', root);
    expect(typeof hook).toBe('function');
  });

  it('packs the built app and package.json, and no sources, tests, maps or tooling', () => {
    const built = ['dist/main/index.js', 'dist/main/worker.js', 'dist/main/cli.js', 'dist/preload/index.js', 'dist/renderer/index.html', 'dist/renderer/assets/index-abc123.js'];
    const unwanted = ['dist/main/index.js.map', 'dist/renderer/assets/index-abc123.js.map', 'dist/bench/store.js'];
    const files = packagedAppFiles([...built, ...unwanted]);
    expect(files).toEqual(expect.arrayContaining(['package.json', ...built]));
    for (const f of unwanted) expect(files).not.toContain(f);
    const offenders = files.filter((f) => !f.startsWith('dist/') && f !== 'package.json');
    expect(offenders).toEqual([]);
    expect(files.filter((f) => /\.(ts|tsx|svelte|map)$/.test(f))).toEqual([]);
  });

  it('trims node_modules without dropping runtime code', () => {
    const moduleMatcher = fileMatcher.getNodeModuleFileMatcher(root, '/out/app', expand, {}, packagerInfo());
    const kept = (rel: string) => {
      const [, name] = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel)!;
      const filter = new fileMatcher.FileMatcher(path.join(root, 'node_modules', name), '/out/app', expand, moduleMatcher.patterns).createFilter();
      return filter(path.join(root, rel), { ...file, moduleFullFilePath: rel });
    };
    for (const rel of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3/lib/database.js',
      'node_modules/zod/index.cjs',
      'node_modules/yaml/dist/doc/Document.js',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      'node_modules/sharp/lib/index.js',
    ]) {
      expect(kept(rel), rel).toBe(true);
    }
    for (const rel of [
      'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
      'node_modules/better-sqlite3/src/better_sqlite3.cpp',
      'node_modules/zod/src/v4/core/core.ts',
      'node_modules/zod/README.md',
      'node_modules/minimist/test/all_bool.js',
      'node_modules/@tensorflow/tfjs-core/dist/tf-core.js.map',
    ]) {
      expect(kept(rel), rel).toBe(false);
    }
  });

  it('unpacks native modules and wasm binaries from the asar archive, and nothing of ours', () => {
    const [unpack] = fileMatcher.getFileMatchers(config, 'asarUnpack', '/out/app', { macroExpander: expand, customBuildOptions: {}, globalOutDir: path.join(root, 'release'), defaultSrc: root })!;
    const unpacked = unpack.createFilter();
    const isUnpacked = (rel: string) => unpacked(path.join(root, rel), { ...file, moduleFullFilePath: rel.startsWith('node_modules/') ? rel : undefined });
    for (const rel of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/sharp/lib/sharp.js',
      'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node',
      'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42',
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow.so.2',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
    ]) {
      expect(isUnpacked(rel), rel).toBe(true);
    }
    for (const rel of ['dist/main/index.js', 'dist/preload/index.js', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/index.js', 'node_modules/zod/index.cjs']) {
      expect(isUnpacked(rel), rel).toBe(false);
    }
  });

  it('ships resources/data and resources/examples where main/paths.ts looks for them', () => {
    const matchers = fileMatcher.getFileMatchers(config, 'extraResources', '/out/resources', { macroExpander: expand, customBuildOptions: {}, globalOutDir: path.join(root, 'release'), defaultSrc: root })!;
    const mapping = matchers.map((m) => [path.relative(root, m.from).split(path.sep).join('/'), path.relative('/out/resources', m.to).split(path.sep).join('/')]);
    expect(mapping).toEqual([
      ['resources/data', 'resources/data'],
      ['resources/examples', 'resources/examples'],
    ]);
    for (const [from] of mapping) expect(fs.readdirSync(from).length, from).toBeGreaterThan(0);
    expect(fs.readFileSync('main/paths.ts', 'utf8')).toContain("path.join(packaged, 'resources')");
  });
});

interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}
interface WorkflowJob {
  if?: string;
  'runs-on': string;
  needs?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: { os: string; name: string; args: string }[] } };
  steps: WorkflowStep[];
}
interface Workflow {
  on: { push: { branches?: string[]; tags: string[] }; pull_request: unknown };
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

describe('the desktop workflow (.github/workflows/build.yml, reviewed here as code: it runs only on GitHub)', () => {
  const yaml = require('js-yaml') as { load(text: string): unknown };
  const workflow = yaml.load(fs.readFileSync('.github/workflows/build.yml', 'utf8')) as Workflow;
  const { 'smoke-linux': smoke, installers, release } = workflow.jobs;
  const stepRuns = (job: WorkflowJob) => job.steps.map((s) => s.run ?? '').join('\n');

  it('runs the Linux smoke job on every push and pull request, and all three OSes on v* tags', () => {
    expect(workflow.on.push.branches).toEqual(['**']);
    expect(workflow.on.push.tags).toEqual(['v*']);
    expect(workflow.on).toHaveProperty('pull_request');
    expect(smoke['runs-on']).toMatch(/^ubuntu-/);
    expect(smoke.if).toContain("!startsWith(github.ref, 'refs/tags/')");
    expect(installers.if).toContain("startsWith(github.ref, 'refs/tags/v')");
    const targets = installers.strategy!.matrix.include.map((m) => `${m.os} ${m.args}`).sort();
    // Each macOS CPU on a runner of that CPU (macos-13 is retired), so npm installs matching native binaries.
    expect(targets).toEqual(['macos-15-intel --mac --x64', 'macos-latest --mac --arm64', 'ubuntu-24.04 --linux --x64', 'windows-latest --win --x64']);
  });

  it('uses Node 22 and current action majors', () => {
    const majors: Record<string, number> = { 'actions/checkout': 7, 'actions/setup-node': 7, 'actions/upload-artifact': 7, 'actions/download-artifact': 7 };
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.uses)) {
        const [action, version] = step.uses!.split('@');
        expect(majors[action], step.uses).toBeDefined();
        expect(Number(version.replace(/^v/, '')), step.uses).toBeGreaterThanOrEqual(majors[action]);
        if (action === 'actions/setup-node') expect(step.with?.['node-version']).toBe(22);
      }
    }
  });

  it('packages, then runs the Electron smoke test against the packaged app (under xvfb on Linux), required not skippable, keeping the screenshots', () => {
    expect(workflow.env.TRANSFER_LAB_SMOKE_REQUIRED).toBe('1');
    for (const job of [smoke, installers]) {
      const runs = stepRuns(job);
      expect(runs).toContain('npm ci');
      expect(runs.indexOf('npm run dist --')).toBeLessThan(runs.indexOf('npx vitest run --project electron'));
      expect(runs).toContain('xvfb-run -a npx vitest run --project electron');
      const shots = job.steps.find((s) => s.with?.path === 'test-results/electron-smoke/');
      expect(shots?.if).toBe('always()');
    }
    const windowsAndMac = installers.steps.find((s) => s.run === 'npx vitest run --project electron');
    expect(windowsAndMac?.if).toBe("runner.os != 'Linux'");
    expect(stepRuns(smoke)).toContain('--dir');
  });

  it('gives each OS only its own signing secrets', () => {
    const dist = installers.steps.filter((s) => s.run?.startsWith('npm run dist'));
    const byOs = Object.fromEntries(dist.map((s) => [s.if, JSON.stringify(s.env ?? {})]));
    expect(Object.keys(byOs).sort()).toEqual(["runner.os == 'Linux'", "runner.os == 'Windows'", "runner.os == 'macOS'"]);
    expect(byOs["runner.os == 'macOS'"]).toMatch(/MAC_CSC_LINK/);
    expect(byOs["runner.os == 'macOS'"]).toMatch(/APPLE_ID/);
    expect(byOs["runner.os == 'macOS'"]).not.toMatch(/WIN_/);
    expect(byOs["runner.os == 'Windows'"]).toMatch(/WIN_CSC_LINK/);
    expect(byOs["runner.os == 'Windows'"]).not.toMatch(/MAC_|APPLE_/);
    expect(byOs["runner.os == 'Linux'"]).toBe('{}');
    // Secrets appear nowhere else in the file.
    const text = fs.readFileSync('.github/workflows/build.yml', 'utf8');
    const secretLines = text.split('\n').filter((l) => l.includes('secrets.'));
    expect(secretLines.length).toBe(7);
    for (const step of dist) expect(step.run).toContain('--publish never');
  });

  it('uploads installers and update metadata, and drafts a release only on tags, with the only write permission', () => {
    const upload = installers.steps.find((s) => s.name === 'Upload installers');
    for (const ext of ['exe', 'dmg', 'zip', 'AppImage', 'deb', 'blockmap']) expect(upload?.with?.path).toContain(`release/*.${ext}`);
    expect(upload?.with?.path).toContain('release/latest*.yml');
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(release.permissions).toEqual({ contents: 'write' });
    expect(release.if).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(stepRuns(release)).toContain('node scripts/merge-latest-mac.mjs');
    expect(stepRuns(release)).toContain('gh release create');
    for (const [name, job] of Object.entries(workflow.jobs)) if (name !== 'release') expect(job.permissions, name).toBeUndefined();
  });
});

let tmp: string | undefined;
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('after-pack fuses hook', () => {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  // FakeElectronBinary: a test double for the Electron executable — random bytes around the
  // fuse wire exactly as Electron lays it out (sentinel, version 1, length, one byte per fuse),
  // starting from Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on,
  // inspect on, asar integrity off, only-asar off, V8 snapshot off, file:// privileges on, wasm traps on.
  const writeFakeElectronBinary = (file: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const wire = '101100011';
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(5000, 7), Buffer.from(SENTINEL), Buffer.from([1, wire.length]), Buffer.from(wire), Buffer.alloc(5000, 9)]));
  };
  const readWire = (file: string) => {
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
    return bytes.subarray(at + 2, at + 2 + bytes[at + 1]).toString();
  };

  it('flips the security fuses in the packaged binary on each platform', async () => {
    const { afterPack, FUSE_SETTINGS } = (await import(pathToFileURL(path.resolve('scripts/after-pack.mjs')).href)) as { afterPack(context: object): Promise<void>; FUSE_SETTINGS: Record<string, boolean> };
    expect(FUSE_SETTINGS).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      EnableCookieEncryption: true,
    });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-fuses-'));
    const packager = { executableName: 'transfer-lab', appInfo: { productFilename: 'Transfer Lab' } };
    const cases = [
      { electronPlatformName: 'linux', binary: 'transfer-lab' },
      { electronPlatformName: 'win32', binary: 'Transfer Lab.exe' },
      { electronPlatformName: 'darwin', binary: 'Transfer Lab.app/Contents/Frameworks/Electron Framework.framework/Electron Framework' },
    ];
    const log = console.log;
    console.log = () => undefined;
    try {
      for (const c of cases) {
        const appOutDir = path.join(tmp, c.electronPlatformName);
        const binary = path.join(appOutDir, c.binary);
        writeFakeElectronBinary(binary);
        await afterPack({ appOutDir, electronPlatformName: c.electronPlatformName, arch: 1 /* x64 */, packager });
        // RunAsNode off, cookies on, NODE_OPTIONS off, inspect off, integrity on, only-asar on,
        // V8 snapshot untouched, file:// privileges off, wasm traps untouched.
        expect(readWire(binary), c.electronPlatformName).toBe('010011001');
      }
    } finally {
      console.log = log;
    }
  });
});

// Builds .device-pack/: everything a GPU machine with no Node, npm or network needs to run the
// gpu and CPU thread-scaling benches (scripts/device/run.sh; docs/device-benchmarks.md).
//   node scripts/device/pack.mjs              # .device-pack/{node.xz,app.tar.xz,MANIFEST.txt} and .gl/*.deb
//   node scripts/device/pack.mjs --app-dir D  # only stage the app, uncompressed, into D (the tests)
// The app is dist/ as `npm run build:main` makes it plus the node_modules files the benches
// load. Those are found by running the benches once here, briefly, with a tracer preloaded
// (trace-files.mjs) rather than listed by hand: the engine imports webgpu and
// tfjs-backend-webgpu at run time and they must share tfjs-core with the rest, so node_modules
// stays a folder tree (a subset of it) instead of being inlined into the bundles.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildMain } from '../build.mjs';
import { missingRequired, selectFiles } from './pack-files.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = path.join(root, 'scripts', 'device');
/** What travels to a lent machine at most (the device tool's limit), and what we aim under. */
const LIMIT_MIB = 64;
const AIM_MIB = 50;
const GL_DEBS = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];

/** The bench runs the trace watches: every model path and worker entry, on tiny data. */
const TRACE_RUNS = [
  ['dist/bench/gpu.js', '--models', 'seed-cnn,mobilenet', '--batches', '64', '--samples', '64', '--epochs', '2'],
  ['dist/bench/training.js', '--models', 'seed-cnn,mlp', '--threads', '2', '--samples-scale', '0.03125', '--epochs', '2', '--rounds', '1'],
];

const log = (line) => console.log(`pack: ${line}`);

function fail(message) {
  console.error(`pack: ${message}`);
  process.exit(1);
}

/** Runs the benches once with the tracer; the files they loaded, absolute. */
function traceBenches() {
  const traceFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-pack-trace-')), 'files.txt');
  fs.writeFileSync(traceFile, '');
  const runtimeDir = process.env.XDG_RUNTIME_DIR ?? path.join(os.tmpdir(), `xdg-runtime-${process.getuid?.() ?? 0}`);
  fs.mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  const env = {
    ...process.env,
    XDG_RUNTIME_DIR: runtimeDir,
    TRANSFER_LAB_TRACE_FILE: traceFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(path.join(here, 'trace-files.mjs')).href}`.trim(),
  };
  for (const args of TRACE_RUNS) {
    log(`tracing: node ${args.join(' ')}`);
    const run = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
    if (run.status !== 0) fail(`the trace run node ${args.join(' ')} failed (${run.signal ?? `exit code ${run.status}`}):\n${run.stdout}\n${run.stderr}`);
  }
  const files = fs.readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(traceFile), { recursive: true, force: true });
  return files;
}

/** Copies the app's files into `dest` (its own package.json makes it Transfer Lab's root there). */
export function stageApp(dest) {
  const files = selectFiles(root, traceBenches());
  const missing = missingRequired(files);
  if (missing.length > 0) {
    fail(`the trace run did not load ${missing.join(', ')}: ` +
      'is a WebGPU adapter available here (Mesa ≥ 25 lavapipe, XDG_RUNTIME_DIR) and dist/ built?');
  }
  fs.mkdirSync(dest, { recursive: true });
  for (const rel of files) {
    fs.mkdirSync(path.join(dest, path.dirname(rel)), { recursive: true });
    fs.copyFileSync(path.join(root, rel), path.join(dest, rel));
  }
  fs.copyFileSync(path.join(here, 'probe-adapter.mjs'), path.join(dest, 'probe-adapter.mjs'));
  fs.writeFileSync(path.join(dest, 'pack-files.txt'), `${files.join('\n')}\nprobe-adapter.mjs\n`);
  return files;
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** The Vulkan loader debs the device README's recipe unpacks there, fetched once into .gl/. */
function ensureGlDebs() {
  const gl = path.join(root, '.gl');
  const have = fs.existsSync(gl) ? fs.readdirSync(gl).filter((f) => f.endsWith('.deb')) : [];
  const lacking = GL_DEBS.filter((name) => !have.some((f) => f.startsWith(`${name}_`)));
  if (lacking.length === 0) return;
  log(`downloading ${lacking.join(' ')} (amd64) into .gl/`);
  fs.mkdirSync(gl, { recursive: true });
  const lists = path.join(os.tmpdir(), 'amd64-apt-lists');
  fs.mkdirSync(path.join(lists, 'partial'), { recursive: true });
  const o = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${lists}`];
  run('apt-get', [...o, 'update']);
  run('apt-get', [...o, 'download', ...lacking], { cwd: gl });
}

function mib(bytes) {
  return bytes / 2 ** 20;
}

function folderBytes(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath ?? e.path, e.name)).size;
  }
  return total;
}

function trackedBytes() {
  const files = run('git', ['ls-files', '-z'], { cwd: root }).split('\0').filter(Boolean);
  return files.reduce((sum, f) => sum + (fs.existsSync(path.join(root, f)) ? fs.statSync(path.join(root, f)).size : 0), 0);
}

async function main() {
  const args = process.argv.slice(2);
  const appDirAt = args.indexOf('--app-dir');
  const [major] = process.versions.node.split('.').map(Number);
  if (major !== 22 || process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`run this under Linux x64 Node 22 (. scripts/use-node-22.sh): the pack carries this very node binary, and this is ${process.version} ${process.platform}-${process.arch}`);
  }
  await buildMain({ quiet: true });
  if (appDirAt >= 0) {
    const dest = args[appDirAt + 1];
    if (!dest) fail('--app-dir: expected a folder after it');
    const files = stageApp(path.resolve(dest));
    log(`staged ${files.length} files into ${dest}`);
    return;
  }

  const pack = path.join(root, '.device-pack');
  fs.rmSync(pack, { recursive: true, force: true });
  fs.mkdirSync(pack);
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-pack-stage-'));
  try {
    const files = stageApp(path.join(stage, 'app'));
    log(`compressing the app (${files.length} files) and node ${process.version}`);
    run('tar', ['-C', stage, '-cJf', path.join(pack, 'app.tar.xz'), 'app'], { env: { ...process.env, XZ_OPT: '-6 -T0' } });
    fs.writeFileSync(path.join(pack, 'node.xz'), run('xz', ['-6', '-T0', '-c', process.execPath], { encoding: 'buffer', maxBuffer: 512 * 2 ** 20 }));
    const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
    const dirty = spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
    fs.writeFileSync(path.join(pack, 'MANIFEST.txt'), [
      `Transfer Lab device pack, built ${new Date().toISOString()} from ${commit}${dirty ? ' (with uncommitted changes)' : ''}`,
      `node ${process.version} (node.xz), app.tar.xz holds app/ with:`,
      ...files.map((f) => `  ${f}`),
      '',
    ].join('\n'));
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  ensureGlDebs();

  const packMib = mib(folderBytes(pack));
  const glMib = mib(folderBytes(path.join(root, '.gl')));
  const treeMib = mib(trackedBytes());
  const total = packMib + glMib + treeMib;
  log(`.device-pack ${packMib.toFixed(1)} MiB + .gl ${glMib.toFixed(1)} MiB + tracked tree ${treeMib.toFixed(1)} MiB = ${total.toFixed(1)} MiB ` +
    `(limit ${LIMIT_MIB}; untracked files that git does not ignore travel too)`);
  if (total >= LIMIT_MIB) fail(`too large to travel: ${total.toFixed(1)} MiB ≥ ${LIMIT_MIB} MiB`);
  if (total >= AIM_MIB) log(`warning: over the ${AIM_MIB} MiB aimed for`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => fail(err instanceof Error ? err.stack : String(err)));
}

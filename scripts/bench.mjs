// `npm run bench [-- <suite>… ] [--out file.json] [--flag…]`
// Builds dist/ (including every scripts/bench/*.ts as dist/bench/<suite>.js), then runs each
// named suite, or every suite found, in its own Node process so one suite's memory and
// native state cannot skew the next. Flags pass through to every suite; with several suites,
// --out x.json becomes x-<suite>.json so they do not overwrite each other. A bare word after
// a flag is that flag's value unless it names a suite.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMain } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'dist', 'bench');

try {
  await buildMain({ quiet: true });
} catch (err) {
  console.error(`build failed, no benchmarks run:\n${err.message}`);
  process.exit(1);
}

const found = fs.existsSync(benchDir)
  ? fs.readdirSync(benchDir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort()
  : [];
const suites = [];
const flags = [];
let out;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--out') out = args[++i];
  else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
  else if (arg.startsWith('-')) {
    flags.push(arg);
    // `--rows 1000` : a bare word after a flag is its value unless it names a suite.
    const next = args[i + 1];
    if (!arg.includes('=') && next !== undefined && !next.startsWith('-') && !found.includes(next)) flags.push(args[++i]);
  } else suites.push(arg);
}
if (args.includes('--out') && !out) {
  console.error('--out: expected a file name after it');
  process.exit(2);
}

const unknown = suites.filter((s) => !found.includes(s));
if (unknown.length > 0) {
  console.error(`unknown bench suite ${unknown.join(', ')}; available: ${found.join(', ') || '(none)'}`);
  process.exit(2);
}
const selected = suites.length > 0 ? suites : found;

let failed = 0;
for (const suite of selected) {
  const suiteFlags = [...flags];
  if (out) {
    const file = selected.length === 1 ? out : out.replace(/(\.[^./\\]+)?$/, (ext) => `-${suite}${ext}`);
    suiteFlags.push('--out', path.resolve(file));
  }
  console.log(`\n== bench: ${suite} ==`);
  const result = spawnSync(process.execPath, [path.join(benchDir, `${suite}.js`), ...suiteFlags], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    failed += 1;
    console.error(`bench ${suite} failed (${result.signal ?? `exit code ${result.status}`})`);
  }
}
process.exit(failed > 0 ? 1 : 0);

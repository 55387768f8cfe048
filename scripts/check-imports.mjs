// Fails (exit 1) when the application's modules import each other in a circle, naming each
// circle file by file, or when a module crosses a fence that an import pattern cannot state
// (the engine has a training/ wing of its own, so '../training/…' alone does not say whether
// main/training is meant): each import is judged by the file it resolves to. Run by `npm run lint`. It reads import and export-from statements as
// text (type-only imports included: a circle of types still ties the files together) and
// follows the relative ones and the `@contract/` alias; packages are outside its concern.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `--root DIR` checks another tree (the tests give it one with a circle).
const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? path.resolve(process.argv[rootArg + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_ROOTS = ['contract', 'main', 'preload', 'renderer/src'];
const EXTENSIONS = ['.ts', '.svelte', '.svelte.ts', '/index.ts'];
const ALIASES = { '@contract/': 'contract/', '@contract': 'contract/index.ts' };
const IMPORT = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir) {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.(ts|svelte)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

function resolve(from, specifier) {
  let target;
  const alias = Object.keys(ALIASES).find((a) => specifier === a || (a.endsWith('/') && specifier.startsWith(a)));
  if (alias) target = ALIASES[alias] + specifier.slice(alias.length);
  else if (specifier.startsWith('.')) target = path.posix.join(path.posix.dirname(from), specifier);
  else return null;
  for (const candidate of [target, ...EXTENSIONS.map((ext) => target + ext)]) {
    const full = path.join(root, candidate);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return path.posix.normalize(candidate);
  }
  return null;
}

const files = SOURCE_ROOTS.flatMap(sourceFiles);
const graph = new Map();
for (const file of files) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const edges = new Set();
  for (const match of text.matchAll(IMPORT)) {
    const target = resolve(file, match[1] ?? match[2]);
    if (target && target !== file) edges.add(target);
  }
  graph.set(file, [...edges]);
}

// Fences by resolved path: [files the rule covers, files they must not import, why].
const FENCES = [
  [/^main\/engine\//, /^main\/(training|services|store|electron|web|cli)\/|^main\/(cli|index)\.ts$/, 'the engine is pure: datasets in, models and metrics out; it imports no supervisor, service, store or face'],
  [/^(contract|renderer\/src)\//, /^(main|preload)\//, 'the contract and the renderer import only the contract and their own code'],
];
const crossings = [];
for (const [file, targets] of graph) {
  for (const [covers, forbidden, why] of FENCES) {
    if (!covers.test(file)) continue;
    for (const target of targets) if (forbidden.test(target)) crossings.push(`  ${file} -> ${target}: ${why}`);
  }
}

// Tarjan's strongly connected components: every component of more than one file is a circle.
let index = 0;
const stack = [];
const state = new Map();
const circles = [];
function visit(file) {
  const node = { index, low: index, onStack: true };
  state.set(file, node);
  index += 1;
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    const seen = state.get(next);
    if (!seen) {
      visit(next);
      node.low = Math.min(node.low, state.get(next).low);
    } else if (seen.onStack) {
      node.low = Math.min(node.low, seen.index);
    }
  }
  if (node.low === node.index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== file);
    if (component.length > 1) circles.push(component.sort());
  }
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (crossings.length > 0) {
  console.error(`imports across a fence: ${crossings.length}`);
  for (const line of crossings) console.error(line);
}
if (circles.length > 0) {
  console.error(`import cycles: ${circles.length}`);
  for (const circle of circles) {
    console.error(`  circle of ${circle.length} files:`);
    for (const file of circle) {
      const inCircle = (graph.get(file) ?? []).filter((t) => circle.includes(t));
      console.error(`    ${file} -> ${inCircle.join(', ')}`);
    }
  }
}
if (circles.length > 0 || crossings.length > 0) process.exit(1);
console.log(`no import cycles and no fence crossed among ${graph.size} files`);

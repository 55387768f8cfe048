// Preloaded (NODE_OPTIONS="--import …/trace-files.mjs", so forked workers and worker threads
// load it too) by scripts/device/pack.mjs while it runs the benches once: appends every file
// the process loads — modules resolved by require or import, native addons, files read (the
// .wasm binaries) — to the file named by TRANSFER_LAB_TRACE_FILE, one absolute path a line.
// The pack holds what this lists.
import fs from 'node:fs';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.env.TRANSFER_LAB_TRACE_FILE;
if (out) {
  const seen = new Set();
  const record = (file) => {
    if (typeof file !== 'string' || seen.has(file)) return;
    seen.add(file);
    fs.appendFileSync(out, `${file}\n`);
  };
  const asPath = (p) => (typeof p === 'string' ? path.resolve(p) : p instanceof URL && p.protocol === 'file:' ? fileURLToPath(p) : undefined);

  // Every module, CommonJS or ES, required or imported (synchronous hooks: Node ≥ 22.15).
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      if (result.url?.startsWith('file:')) record(fileURLToPath(result.url));
      return result;
    },
  });

  const dlopen = process.dlopen;
  process.dlopen = function tracedDlopen(module, filename, ...rest) {
    record(filename);
    return dlopen.call(this, module, filename, ...rest);
  };

  const traced = (original) =>
    function tracedRead(p, ...rest) {
      record(asPath(p));
      return original.call(this, p, ...rest);
    };
  for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']) fs[name] = traced(fs[name]);
  fs.promises.readFile = traced(fs.promises.readFile);
}

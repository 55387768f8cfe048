// A training worker ends when its parent goes away: real processes for child_process.fork (the
// IPC channel's disconnect, and the watchdog thread while the main thread is stuck in a long
// step), and an Electron fake for utilityProcess's parent port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { watchParent } from '../../../main/training/parent-link';

let dir: string;
let fixture: string;

// The worker's end of the link, then either idling on the event loop or blocking it for good
// (as one very long training step would).
const FIXTURE = `
import { watchParent } from './main/training/parent-link';
watchParent({ onGone: () => process.exit(3) });
process.send!({ pid: process.pid });
if (process.argv[2] === 'busy') {
  const until = Date.now() + 60_000;
  setTimeout(() => { while (Date.now() < until) { /* one endless step */ } }, 50);
} else {
  setInterval(() => {}, 1000);
}
`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-parent-link-'));
  fixture = path.join(dir, 'worker-fixture.cjs');
  await build({
    stdin: { contents: FIXTURE, resolveDir: path.resolve('.'), loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: fixture,
    logLevel: 'error',
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** Starts a parent that forks the fixture, then SIGKILLs the parent; returns how long the child lived on. */
async function orphanLifetime(mode: 'idle' | 'busy'): Promise<number> {
  const parentSource = `
    const { fork } = require('node:child_process');
    const child = fork(${JSON.stringify(fixture)}, [${JSON.stringify(mode)}], { stdio: 'ignore', detached: process.platform !== 'win32' });
    child.on('message', (m) => console.log(m.pid));
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['-e', parentSource], { stdio: ['ignore', 'pipe', 'inherit'] });
  const childPid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  await new Promise((r) => setTimeout(r, 300));
  expect(isRunning(childPid)).toBe(true);
  const killedAt = Date.now();
  parent.kill('SIGKILL');
  while (isRunning(childPid)) {
    if (Date.now() - killedAt > 10_000) {
      process.kill(childPid, 'SIGKILL');
      throw new Error(`the ${mode} worker outlived its parent by 10 s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - killedAt;
}

describe('a worker whose parent is killed', () => {
  it('ends on the IPC disconnect (child_process.fork)', async () => {
    expect(await orphanLifetime('idle')).toBeLessThan(2000);
  });

  it('ends even while its main thread is stuck in a long step (watchdog thread)', async () => {
    expect(await orphanLifetime('busy')).toBeLessThan(2000);
  });
});

describe('under Electron utilityProcess (FakeParentPort stands in for process.parentPort)', () => {
  it('ends when the parent port closes', () => {
    const port = new EventEmitter();
    let gone = 0;
    const stop = watchParent({ parentPort: port, onGone: () => (gone += 1), watchdog: false });
    expect(gone).toBe(0);
    port.emit('close');
    expect(gone).toBe(1);
    stop();
    port.emit('close');
    expect(gone).toBe(1);
  });
});

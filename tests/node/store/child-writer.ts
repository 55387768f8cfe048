// Builds the metrics-writer fixture once per test file and forks it. esbuild bundles the
// store into one CommonJS file; better-sqlite3 stays external and is found via NODE_PATH.
import { build } from 'esbuild';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

export async function bundleWriter(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'metrics-writer.cjs');
  await build({
    entryPoints: [path.join(here, 'fixtures/metrics-writer.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['better-sqlite3'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

export interface WriterMessage {
  type: 'ready' | 'committed';
  runId?: string;
  pid?: number;
  count?: number;
}

export interface Writer {
  child: ChildProcess;
  runId: string;
  /** The highest committed row count the child has reported so far. */
  committed(): number;
  /** Resolves once the child has reported at least `count` committed rows. */
  waitForCommitted(count: number): Promise<void>;
  /** Resolves when the child has exited (and been reaped, so its pid is gone). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startWriter(script: string, dbFile: string, batchSize: number, batches: number): Promise<Writer> {
  const child = fork(script, [dbFile, String(batchSize), String(batches)], {
    env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let committed = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const runId = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: WriterMessage) => {
      if (m.type === 'ready') resolve(m.runId!);
      if (m.type === 'committed') {
        committed = Math.max(committed, m.count!);
        for (const w of waiters.splice(0)) {
          if (committed >= w.count) w.resolve();
          else waiters.push(w);
        }
      }
    });
    exited.then(({ code, signal }) => reject(new Error(`writer exited early (code ${code}, signal ${signal})`)));
  });
  return {
    child,
    runId,
    committed: () => committed,
    waitForCommitted: (count) =>
      committed >= count
        ? Promise.resolve()
        : Promise.race([
          new Promise<void>((resolve) => waiters.push({ count, resolve })),
          exited.then(() => {
            if (committed < count) throw new Error(`writer exited after ${committed} rows, before ${count}`);
          }),
        ]),
    exited,
  };
}

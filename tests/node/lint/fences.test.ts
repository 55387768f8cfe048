// The layer fences and the cycle check that `npm run lint` runs: real ESLint with the
// project's config on code placed in each layer, and the real cycle script on small trees.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: path.resolve('.') });

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(filePath) });
  return result.messages.filter((m) => /restricted-imports/.test(m.ruleId ?? '')).map((m) => m.message);
}

describe('layer fences', () => {
  it.each([
    ['a face importing the store', 'main/cli/fence-probe.ts', "import { createStore } from '../store';\nexport const x = createStore;\n"],
    ['a face importing the engine', 'main/web/fence-probe.ts', "import { selectBackend } from '../engine/backend';\nexport const x = selectBackend;\n"],
    ['a face importing the supervisor', 'main/electron/fence-probe.ts', "import { Supervisor } from '../training/supervisor';\nexport const x = Supervisor;\n"],
    ['services importing a face', 'main/services/fence-probe.ts', "import { parsePort } from '../cli/web-command';\nexport const x = parsePort;\n"],
    ['the store importing services', 'main/store/fence-probe.ts', "import { RunsService } from '../services/runs-service';\nexport const x = RunsService;\n"],
    ['the engine importing the store', 'main/engine/fence-probe.ts', "import { createStore } from '../store';\nexport const x = createStore;\n"],
    ['training importing services', 'main/training/fence-probe.ts', "import { dispatch } from '../services/dispatch';\nexport const x = dispatch;\n"],
    ['the contract importing main', 'contract/fence-probe.ts', "import { createStore } from '../main/store';\nexport const x = createStore;\n"],
    ['the contract importing a Node built-in', 'contract/fence-probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['the renderer importing the preload bridge', 'renderer/src/lib/fence-probe.ts', "import { bridge } from '../../../preload/bridge';\nexport const x = bridge;\n"],
  ])('refuse %s', async (_what, file, code) => {
    expect(await importErrors(file, code)).not.toEqual([]);
  });

  it.each([
    ['a face importing services', 'main/cli/fence-probe.ts', "import { dispatch } from '../services/dispatch';\nexport const x = dispatch;\n"],
    ['a face implementing the launcher port (types only)', 'main/electron/fence-probe.ts', "import type { WorkerLauncher } from '../training/launcher';\nexport type X = WorkerLauncher;\n"],
    ['services importing the store', 'main/services/fence-probe.ts', "import { createStore } from '../store';\nexport const x = createStore;\n"],
    ['the renderer importing the contract', 'renderer/src/lib/fence-probe.ts', "import { methods } from '@contract';\nexport const x = methods;\n"],
  ])('allow %s', async (_what, file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});

function checkCycles(root: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.resolve('scripts/check-imports.mjs'), '--root', root], (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
    });
  });
}

/** A scratch repository tree the check script can be pointed at. */
function tempTree() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-imports-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  return { root, write };
}

describe('import cycle check', () => {
  it('fails on a circle, naming its files, and passes once it is broken', async () => {
    const { root, write } = tempTree();
    try {
      write('main/engine/train.ts', "import { runner } from './step-runner';\nexport const train = runner;\n");
      write('main/engine/step-runner.ts', "import type { Trainer } from './parallel/trainer';\nexport const runner = 1 as unknown as Trainer;\n");
      write('main/engine/parallel/trainer.ts', "export { train as Trainer } from '../train';\n");
      write('main/engine/rng.ts', "export const rng = 1;\n");
      const circle = await checkCycles(root);
      expect(circle.code).toBe(1);
      expect(circle.stderr).toMatch(/circle of 3 files/);
      expect(circle.stderr).toMatch(/main\/engine\/parallel\/trainer\.ts -> main\/engine\/train\.ts/);
      expect(circle.stderr).not.toMatch(/rng\.ts/);

      write('main/engine/parallel/trainer.ts', "export { rng as Trainer } from '../rng';\n");
      expect((await checkCycles(root)).code).toBe(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("fails when the engine imports main/training, not when it imports its own training wing", async () => {
    const { root, write } = tempTree();
    try {
      write('main/training/supervisor.ts', "export const supervisor = 1;\n");
      write('main/engine/training/loop.ts', "export const loop = 1;\n");
      write('main/engine/accel/step.ts', "import { loop } from '../training/loop';\nexport const step = loop;\n");
      expect((await checkCycles(root)).code).toBe(0);
      write('main/engine/accel/step.ts', "import { supervisor } from '../../training/supervisor';\nexport const step = supervisor;\n");
      const crossing = await checkCycles(root);
      expect(crossing.code).toBe(1);
      expect(crossing.stderr).toMatch(/main\/engine\/accel\/step\.ts -> main\/training\/supervisor\.ts: the engine is pure/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds none in this repository', async () => {
    expect(await checkCycles(path.resolve('.'))).toEqual({ code: 0, stderr: '' });
  });
});

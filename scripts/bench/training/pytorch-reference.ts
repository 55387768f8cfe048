// Runs scripts/bench/pytorch_training.py with the first Python that can import torch
// (`python3`, then Debian's `/usr/bin/python3`, where `apt-get install python3-torch` puts it).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface PytorchResult {
  samplesPerSec: number;
  epochSamplesPerSec: number[];
  threads: number;
  torchVersion: string;
  python: string;
}

let pythonWithTorch: string | null | undefined;

/** The python executable that imports torch, or null (said once, with how to install it). */
export function findPythonWithTorch(): string | null {
  if (pythonWithTorch !== undefined) return pythonWithTorch;
  pythonWithTorch = null;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
    if (probe.status === 0) {
      pythonWithTorch = candidate;
      break;
    }
  }
  return pythonWithTorch;
}

/** PyTorch's figures for `model`; with `threads`, on that many (torch.set_num_threads), else on its default. */
export function runPytorch(root: string, model: string, samples: number, epochs: number, batch: number, threads?: number): PytorchResult | null {
  const python = findPythonWithTorch();
  if (python === null) return null;
  const script = path.join(root, 'scripts', 'bench', 'pytorch_training.py');
  const args = [script, '--model', model, '--samples', String(samples), '--epochs', String(epochs), '--batch', String(batch)];
  if (threads !== undefined) args.push('--threads', String(threads));
  const run = spawnSync(python, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${python} ${path.relative(root, script)} --model ${model} failed:\n${run.stderr}`);
  const parsed = JSON.parse(run.stdout.trim().split('\n').pop()!) as Omit<PytorchResult, 'python'>;
  return { ...parsed, python };
}

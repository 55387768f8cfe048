// GPU benchmark: samples/s of the engine training on WebGPU beside the CPU engine (wasm, every
// core, as 'auto' would fall back to), in one run, and of PyTorch on CUDA when python3 has it.
//   npm run bench -- gpu [--models seed-cnn,small-cnn,mobilenet] [--batches 64,256]
//                        [--samples 2048] [--epochs 2] [--mobilenet-side 32] [--out results.json]
// Each row trains the engine as a user runs it (worker process, progress, store) on random
// 32×32 RGB data (CIFAR-shaped), Adam (lr 1e-3), first epoch excluded as warm-up. 'mobilenet'
// is MobileNet v1 0.25 layer for layer (bench/gpu/mobilenet-shaped.ts) imported as a saved
// model and fine-tuned in every layer (a frozen prefix would be cached, measuring nothing).
//
// The WebGPU rows are forced (backend "webgpu"), so they run on whatever adapter Dawn finds —
// on a machine without a GPU, Mesa's CPU rasteriser llvmpipe. The adapter is printed and
// recorded, and a software adapter is flagged: its figures say nothing about GPU speed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { environmentInfo } from '../../main/engine/accel/backend';
import { saveModel } from '../../main/engine/model';
import type { DatasetSpec, ModelSpec } from '@contract/spec';
import type { GpuAdapterRecord } from '../../main/engine/accel/webgpu';
import { writeRandomCifar } from './training/random-datasets';
import { engineRun } from './training/engine-run';
import { mobilenetShaped } from './gpu/mobilenet-shaped';
import { argValue } from './shared/bench-args';

const MODELS = ['seed-cnn', 'small-cnn', 'mobilenet'] as const;
type GpuBenchModel = (typeof MODELS)[number];

const models = (argValue('--models') ?? MODELS.join(',')).split(',') as GpuBenchModel[];
const batches = (argValue('--batches') ?? '64,256').split(',').map(Number);
const samples = Number(argValue('--samples') ?? 2048);
const epochs = Number(argValue('--epochs') ?? 2);
const side = Number(argValue('--mobilenet-side') ?? 32);
const outFile = argValue('--out');
function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
for (const m of models) if (!MODELS.includes(m)) fail(`--models: unknown model '${m}'; expected ${MODELS.join(', ')}`);
if (!batches.every((b) => Number.isInteger(b) && b > 0)) fail(`--batches: expected whole numbers > 0, got ${argValue('--batches')}`);
if (!(Number.isInteger(epochs) && epochs >= 2)) fail(`--epochs: expected a whole number ≥ 2 (the first epoch is warm-up), got ${argValue('--epochs')}`);
if (!(Number.isInteger(samples) && samples >= Math.max(...batches))) fail(`--samples: expected a whole number ≥ the largest batch, got ${argValue('--samples')}`);
if (!(Number.isInteger(side) && side >= 32)) fail(`--mobilenet-side: expected a whole number ≥ 32, got ${argValue('--mobilenet-side')}`);

export interface GpuBenchEntry {
  model: GpuBenchModel;
  batch: number;
  webgpuSamplesPerSec: number | null;
  /** Why there is no WebGPU figure (no adapter, the run failed). */
  webgpuError?: string;
  cpuSamplesPerSec: number;
  cpuBackend: string;
  webgpuOverCpu: number | null;
  pytorchCudaSamplesPerSec: number | null;
  /** Why PyTorch CUDA has no figure although python3 has it (its script failed). */
  pytorchError?: string;
  webgpuOverPytorch: number | null;
}

const afterWarmUp = (rates: number[]) => rates.slice(1).reduce((a, b) => a + b, 0) / (rates.length - 1);

async function main(): Promise<void> {
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, 'dist', 'main', 'worker.js'))) throw new Error('dist/main/worker.js is missing: run `npm run build:main` (npm run bench does)');
  const env = environmentInfo();
  const cuda = findCudaTorch();
  console.log(`${env.cpu} x${env.cpuCount}, Node ${env.nodeVersion}, tfjs ${env.tfjsVersion}; ${samples} samples/epoch, ${epochs} epochs (first excluded), ` +
    `batches ${batches.join(', ')}; PyTorch CUDA: ${cuda ? `${cuda.device} (torch ${cuda.version})` : 'not available (python3 has no torch with CUDA)'}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-lab-bench-gpu-'));
  const entries: GpuBenchEntry[] = [];
  let adapter: GpuAdapterRecord | undefined;
  // Written after every row too (complete: false), so a run stopped at a time limit keeps what it measured.
  const save = (complete: boolean) => {
    if (!outFile) return;
    fs.writeFileSync(outFile, JSON.stringify({ environment: env, gpuAdapter: adapter ?? null, pytorchCuda: cuda, samples, epochs, mobilenetSide: side, complete, results: entries }, null, 2));
  };
  try {
    const data = writeRandomCifar(path.join(work, 'data'), samples, 1);
    for (const model of models) {
      const { spec, dataset } = await modelUnderTest(model, data.spec, work);
      for (const batch of batches) {
        const gpu = await tryRun(() => engineRun(spec, dataset, epochs, batch, 'webgpu'));
        adapter ??= gpu.environment?.gpuAdapter as GpuAdapterRecord | undefined;
        const cpu = await engineRun(spec, dataset, epochs, batch, 'wasm');
        // A failing PyTorch run costs its column, not the rows still to come.
        let pytorch: number | null = null;
        let pytorchError: string | undefined;
        try {
          pytorch = cuda ? runPytorchCuda(root, cuda.python, model, batch) : null;
        } catch (err) {
          pytorchError = (err as Error).message;
        }
        const webgpu = gpu.rates ? afterWarmUp(gpu.rates) : null;
        const cpuRate = afterWarmUp(cpu.samplesPerSec);
        const entry: GpuBenchEntry = {
          model,
          batch,
          webgpuSamplesPerSec: webgpu,
          ...(gpu.error ? { webgpuError: gpu.error } : {}),
          cpuSamplesPerSec: cpuRate,
          cpuBackend: String(cpu.environment.backend ?? 'wasm'),
          webgpuOverCpu: webgpu === null ? null : webgpu / cpuRate,
          pytorchCudaSamplesPerSec: pytorch,
          ...(pytorchError ? { pytorchError } : {}),
          webgpuOverPytorch: webgpu !== null && pytorch !== null ? webgpu / pytorch : null,
        };
        entries.push(entry);
        save(false);
        const per = (r: number[] | undefined) => (r ? r.map((x) => x.toFixed(0)).join('/') : '—');
        console.log(`  ${model} batch ${batch} (samples/s per epoch): webgpu ${gpu.error ? `failed: ${gpu.error}` : per(gpu.rates)}, cpu engine ${per(cpu.samplesPerSec)}` +
          (pytorch !== null ? `, PyTorch CUDA ${pytorch.toFixed(0)}` : '') + (pytorchError ? `, PyTorch CUDA failed: ${pytorchError}` : ''));
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(adapter
    ? `WebGPU adapter: ${adapter.vendor} / ${adapter.architecture} / ${adapter.description || adapter.device}, driver ${adapter.driver || 'not reported'}` +
      (adapter.software ? `\n  SOFTWARE ADAPTER (${adapter.softwareReason}): the webgpu figures measure a CPU rasteriser, not a GPU.` : '')
    : 'WebGPU adapter: none (every webgpu row failed; see above)');
  const fixed = (v: number | null, digits = 0) => (v === null ? '—' : Number(v.toFixed(digits)));
  console.table(entries.map((e) => ({
    model: e.model,
    batch: e.batch,
    'webgpu samples/s': fixed(e.webgpuSamplesPerSec),
    [`cpu engine samples/s`]: fixed(e.cpuSamplesPerSec),
    'webgpu/cpu': fixed(e.webgpuOverCpu, 2),
    'PyTorch CUDA samples/s': fixed(e.pytorchCudaSamplesPerSec),
    'webgpu/PyTorch': fixed(e.webgpuOverPytorch, 2),
  })));
  save(true);
}

/** The model spec and dataset of one bench model (MobileNet: saved to a folder and imported). */
async function modelUnderTest(model: GpuBenchModel, data: DatasetSpec, work: string): Promise<{ spec: ModelSpec; dataset: DatasetSpec }> {
  if (model !== 'mobilenet') return { spec: { architecture: model }, dataset: data };
  const folder = path.join(work, 'mobilenet-v1-0.25-shaped');
  const built = mobilenetShaped(side, 10);
  await saveModel(built, folder);
  built.dispose();
  return { spec: { import: folder }, dataset: side === 32 ? data : { ...data, imageSize: [side, side] } };
}

async function tryRun(run: () => ReturnType<typeof engineRun>): Promise<{ rates?: number[]; environment?: Record<string, unknown>; error?: string }> {
  try {
    const r = await run();
    return { rates: r.samplesPerSec, environment: r.environment };
  } catch (err) {
    return { error: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
}

/** python3 with a torch that sees a CUDA device, or null. */
function findCudaTorch(): { python: string; device: string; version: string } | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch,json; print(json.dumps([torch.cuda.is_available() and torch.cuda.get_device_name(0), torch.__version__]))'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const [device, version] = JSON.parse(probe.stdout.trim().split('\n').pop()!) as [string | false, string];
    if (device) return { python, device, version };
  }
  return null;
}

function runPytorchCuda(root: string, python: string, model: GpuBenchModel, batch: number): number {
  const script = path.join(root, 'scripts', 'bench', 'pytorch_gpu.py');
  const args = [script, '--model', model, '--samples', String(samples), '--epochs', String(epochs), '--batch', String(batch), '--side', String(side)];
  const run = spawnSync(python, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${python} ${path.relative(root, script)} --model ${model} failed:\n${run.stderr}`);
  return (JSON.parse(run.stdout.trim().split('\n').pop()!) as { samplesPerSec: number }).samplesPerSec;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

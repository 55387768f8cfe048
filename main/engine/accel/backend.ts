// Picks the TensorFlow.js backend a training process runs on and records why faster ones
// were passed over, so a run's record says what it actually ran on.
//
// Order for 'auto': tfjs-node-gpu → webgpu (hardware adapters only; see webgpu.ts) →
// tfjs-node → wasm → cpu. The two native TensorFlow packages are
// optionalDependencies that often fail to install (no prebuilt binary for the platform), so
// they are loaded at run time with an import() whose specifier is a variable: neither
// esbuild (which keeps '@tensorflow/*' external anyway) nor TypeScript nor Vite tries to
// resolve them ahead of time, and a missing one is an ordinary, catchable error both in the
// CommonJS bundle and under vitest.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { registerCpuKernelFixes, registerWasmTrainingKernels } from './kernels';
import { machineInfo, type MachineInfo } from '../machine';
import { describeAdapterLine, loadWebgpu, WebgpuUnavailable, type GpuAdapterRecord } from './webgpu';

export type BackendPreference = 'auto' | 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** One candidate passed over, and why: "not installed" or "failed to load: <message>". */
export interface SkippedBackend {
  backend: BackendPreference;
  reason: string;
}

export interface BackendChoice {
  /** The tfjs backend now active: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
  name: string;
  requested: BackendPreference;
  /** Candidates tried before the chosen one, in order. Empty when the first one worked. */
  skipped: SkippedBackend[];
  tfjsVersion: string;
  /** Threads the backend computes with, where it says (wasm: always 1 under Node). */
  threads?: number;
  /** Facts worth recording with a run, e.g. kernels this app supplies for the backend. */
  notes: string[];
  /** The WebGPU adapter trained on (backend 'webgpu' only). */
  gpuAdapter?: GpuAdapterRecord;
}

/** A specifically requested backend could not be used; the message names it and why. */
export class BackendUnavailableError extends Error {
  readonly errorCode = 'backend';
  constructor(
    readonly backend: BackendPreference,
    readonly reason: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

interface Candidate {
  preference: Exclude<BackendPreference, 'auto'>;
  /** The name the package registers with tfjs. */
  tfjsName: string;
  /**
   * Loads the package (registering its backend) and prepares it; throws if it cannot.
   * `forced` is true when this backend was named rather than reached through 'auto'.
   */
  load: (forced: boolean) => Promise<void>;
}

const candidates: Candidate[] = [
  { preference: 'tensorflow-gpu', tfjsName: 'tensorflow', load: () => importOptional('@tensorflow/tfjs-node-gpu') },
  { preference: 'webgpu', tfjsName: 'webgpu', load: loadWebgpuCandidate },
  { preference: 'tensorflow', tfjsName: 'tensorflow', load: () => importOptional('@tensorflow/tfjs-node') },
  { preference: 'wasm', tfjsName: 'wasm', load: loadWasm },
  { preference: 'cpu', tfjsName: 'cpu', load: async () => void registerCpuKernelFixes() },
];

const autoOrder: BackendPreference[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * Makes the preferred backend active (for 'auto', the first that loads) and says what was
 * chosen and why others were skipped. Throws BackendUnavailableError when a specific
 * backend was asked for and cannot be used.
 */
export async function selectBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (preference !== 'auto' && !candidates.some((c) => c.preference === preference)) {
    throw new BackendUnavailableError(preference, `unknown backend; expected one of auto, ${autoOrder.join(', ')}`);
  }
  quietNodeBackendBanner();
  const order = preference === 'auto' ? autoOrder : [preference];
  const skipped: SkippedBackend[] = [];
  for (const wanted of order) {
    const candidate = candidates.find((c) => c.preference === wanted)!;
    const failure = await activate(candidate, preference !== 'auto');
    if (failure === null) return describeChoice(candidate, preference, skipped);
    if (preference !== 'auto') throw new BackendUnavailableError(wanted, failure);
    skipped.push({ backend: wanted, reason: failure });
  }
  // The cpu backend ships inside @tensorflow/tfjs, so 'auto' cannot really end up here.
  throw new BackendUnavailableError('auto', skipped.map((s) => `${s.backend}: ${s.reason}`).join('; '));
}

/**
 * tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js. To
 * speed things up dramatically, install our node backend…" the first time it holds a tensor.
 * Here the app picks the backend itself and records why native TensorFlow was skipped, so
 * the banner only repeats that in every worker's and the CLI's output. It is printed once per
 * backend instance while `firstUse` is set (tfjs-backend-cpu 4.22, pinned in package.json);
 * clearing that flag silences exactly this banner and no other tfjs warning.
 */
function quietNodeBackendBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && cpu.firstUse === true) cpu.firstUse = false;
}

/** Loads and switches to a candidate; returns null on success or the reason it failed. */
async function activate(candidate: Candidate, forced: boolean): Promise<string | null> {
  try {
    await candidate.load(forced);
  } catch (err) {
    return describeLoadError(err);
  }
  try {
    const ok = await tf.setBackend(candidate.tfjsName);
    if (!ok) return `failed to load: tfjs could not initialise the '${candidate.tfjsName}' backend`;
    await tf.ready();
  } catch (err) {
    return `failed to load: ${errorMessage(err)}`;
  }
  return null;
}

function describeChoice(candidate: Candidate, requested: BackendPreference, skipped: SkippedBackend[]): BackendChoice {
  const choice: BackendChoice = { name: tf.getBackend(), requested, skipped, tfjsVersion: tf.version.tfjs, notes: [] };
  if (candidate.preference === 'wasm') {
    choice.threads = readWasmThreads();
    choice.notes.push('tfjs-backend-wasm runs single-threaded under Node (tfjs disables wasm threads there)');
    if (wasmKernelNames.length > 0) choice.notes.push(`kernels this app supplies or replaces for wasm: ${wasmKernelNames.join(', ')}`);
  }
  if (candidate.preference === 'webgpu' && webgpuAdapter !== undefined) {
    choice.gpuAdapter = webgpuAdapter;
    choice.notes.push(`WebGPU adapter: ${describeAdapterLine(webgpuAdapter)}`);
  }
  if (candidate.preference === 'cpu') {
    choice.threads = 1;
    choice.notes.push('the cpu backend is plain JavaScript: expect training to be slow');
    choice.notes.push('kernels this app fixes for cpu: Transform (augmentation)');
  }
  return choice;
}

/** Set once the wasm package is loaded; it only answers after the backend is initialised. */
let readWasmThreads: () => number = () => 1;
let wasmKernelNames: string[] = [];

let webgpuAdapter: GpuAdapterRecord | undefined;

async function loadWebgpuCandidate(forced: boolean): Promise<void> {
  webgpuAdapter = await loadWebgpu(forced);
}

async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries sit beside the package's Node entry point. Naming the folder
  // explicitly keeps loading independent of where a bundle or an asar archive puts our code.
  // (Only read when tfjs first creates the wasm backend; harmless afterwards.)
  const folder = wasmBinaryFolder();
  if (folder !== null) wasm.setWasmPaths(folder);
  wasmKernelNames = registerWasmTrainingKernels();
  readWasmThreads = wasm.getThreadsCount;
}

function wasmBinaryFolder(): string | null {
  try {
    const anchor = typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js');
    const entry = createRequire(anchor).resolve('@tensorflow/tfjs-backend-wasm');
    const folder = path.dirname(entry);
    return fs.existsSync(path.join(folder, 'tfjs-backend-wasm.wasm')) ? folder + path.sep : null;
  } catch {
    return null;
  }
}

async function importOptional(specifier: string): Promise<void> {
  try {
    await import(/* @vite-ignore */ specifier);
  } catch (err) {
    throw new OptionalLoadError(specifier, err);
  }
}

class OptionalLoadError extends Error {
  constructor(
    readonly specifier: string,
    readonly original: unknown,
  ) {
    super(errorMessage(original));
  }
}

function describeLoadError(err: unknown): string {
  if (err instanceof WebgpuUnavailable) return err.reason;
  if (err instanceof OptionalLoadError && isPackageMissing(err.original, err.specifier)) return 'not installed';
  return `failed to load: ${errorMessage(err)}`;
}

/**
 * True when the error says the package itself cannot be found, as opposed to the package
 * being present but failing (a missing native library, an ABI mismatch, a missing dependency
 * of its own), which is worth telling the user about differently.
 */
function isPackageMissing(err: unknown, specifier: string): boolean {
  const code = (err as { code?: unknown })?.code;
  const message = errorMessage(err);
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Failed to load url/.test(message);
  return notFound && new RegExp(`['"\\s]${specifier.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&')}['"\\s]`).test(` ${message} `);
}

function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}

export interface EnvironmentInfo extends MachineInfo {
  tfjsVersion: string;
}

/** The machine a run executes on, for recording beside its results. */
export function environmentInfo(): EnvironmentInfo {
  return { ...machineInfo(), tfjsVersion: tf.version.tfjs };
}

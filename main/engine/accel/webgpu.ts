// The WebGPU backend under Node: Dawn's Node bindings (the npm package `webgpu`, a prebuilt
// dawn.node per platform) provide navigator.gpu, and @tensorflow/tfjs-backend-webgpu runs
// tfjs on it. This file finds an adapter, says what it is (vendor, architecture, driver,
// limits; whether it is a software rasteriser), opens the device itself so that a lost
// device or an out-of-memory error is recorded with its reason, and registers tfjs's
// 'webgpu' backend on that device.
//
// Both packages are loaded with import() of a variable specifier, like the optional native
// backends in backend.ts: `webgpu` is an ES module and dawn.node a Node-API addon, neither of
// which a bundler should try to inline.
import * as tf from '@tensorflow/tfjs';

/** What a run records about the WebGPU adapter it trained on. */
export interface GpuAdapterRecord {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The driver's name and version where the adapter reports them (Dawn puts them in the description). */
  driver: string;
  /** A CPU implementation (llvmpipe/lavapipe, SwiftShader, WARP): correct but slow. */
  software: boolean;
  /** Why it counts as software, when it does. */
  softwareReason?: string;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

/** The adapter cannot be used; `reason` is the sentence backend.ts records. */
export class WebgpuUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WebgpuUnavailable';
  }
}

// The few parts of the WebGPU API used here (the full types need the DOM library).
interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface Adapter {
  info: AdapterInfo;
  isFallbackAdapter?: boolean;
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<Device>;
}
interface Device {
  lost: Promise<{ reason: string; message: string }>;
  addEventListener(type: 'uncapturederror', listener: (event: { error: { message: string; constructor: { name: string } } }) => void): void;
}
interface Gpu {
  requestAdapter(options: object): Promise<Adapter | null>;
}

/** How long an adapter or device request may take before it counts as failed (never hang). */
const REQUEST_TIMEOUT_MS = 30_000;

interface Opened {
  adapter: GpuAdapterRecord;
  device: Device;
  info: AdapterInfo;
}

let opened: Promise<Opened> | undefined;
let registered = false;
let fault: string | null = null;
/** Rejects with the fault once one is recorded (never resolves). */
let rejectOnFault: (reason: Error) => void = () => undefined;
const faulted = new Promise<never>((_, reject) => {
  rejectOnFault = reject;
});
faulted.catch(() => undefined);

function recordFault(message: string): void {
  if (fault !== null) return;
  fault = message;
  rejectOnFault(new Error(message));
}

/**
 * Opens the WebGPU adapter and registers tfjs's 'webgpu' backend on it (once per process).
 * With allowSoftware false a software adapter is refused with that reason; the caller then
 * moves on to the next backend. Throws WebgpuUnavailable (or the loader's error) otherwise.
 */
export async function loadWebgpu(allowSoftware: boolean): Promise<GpuAdapterRecord> {
  opened ??= open();
  let result: Opened;
  try {
    result = await opened;
  } catch (err) {
    opened = undefined;
    throw err;
  }
  const adapter = result.adapter;
  if (adapter.software && !allowSoftware) {
    throw new WebgpuUnavailable(
      `only a software adapter was found (${adapter.description || adapter.device}: ${adapter.softwareReason}); ` +
        `'auto' uses hardware GPUs only — set backend "webgpu" to train on it anyway`,
    );
  }
  if (!registered) {
    await registerTfjsBackend(result.device, result.info);
    registered = true;
  }
  return adapter;
}

/** The adapter WebGPU would use here, software or not, or undefined when there is none (for `doctor`). */
export async function probeWebgpuAdapter(): Promise<GpuAdapterRecord | undefined> {
  opened ??= open();
  try {
    return (await opened).adapter;
  } catch {
    opened = undefined;
    return undefined;
  }
}

/** The first lost-device or GPU error seen since the backend opened, or null. */
export function webgpuFault(): string | null {
  return fault;
}

/**
 * `promise`, or a rejection with the GPU fault as soon as one is recorded: a read-back from a
 * lost device must end the run, not wait forever. Plain `promise` off webgpu.
 */
export function raceWebgpuFault<T>(promise: Promise<T>): Promise<T> {
  return tf.getBackend() === 'webgpu' ? Promise.race([promise, faulted]) : promise;
}

/** Throws the recorded GPU fault, if any, so a run fails with its reason instead of with garbage. */
export function assertWebgpuHealthy(): void {
  if (fault !== null && tf.getBackend() === 'webgpu') throw new Error(fault);
}

async function open(): Promise<Opened> {
  const gpu = await installNavigatorGpu();
  const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), 'the WebGPU adapter request');
  if (adapter == null) {
    throw new WebgpuUnavailable('no WebGPU adapter: no GPU driver Dawn can use (Vulkan, Metal or Direct3D 12) was found');
  }
  const record = describeAdapter(adapter);
  const device = await withTimeout(adapter.requestDevice(deviceDescriptor(adapter)), 'the WebGPU device request');
  watch(device);
  return { adapter: record, device, info: adapter.info };
}

/** Makes navigator.gpu (and the GPU* globals tfjs-backend-webgpu uses) Dawn's. */
async function installNavigatorGpu(): Promise<Gpu> {
  const specifier = 'webgpu';
  const dawn = (await import(/* @vite-ignore */ specifier)) as { create: (flags: string[]) => Gpu; globals: Record<string, unknown> };
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in g)) g[name] = value;
  const gpu = dawn.create([]);
  // Node 21+ has a navigator object (a getter on globalThis); older Node and tests have none.
  const nav = g.navigator as Record<string, unknown> | undefined;
  if (nav !== undefined && nav !== null) {
    if (nav.gpu === undefined) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    return nav.gpu as Gpu;
  }
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return gpu;
}

/** The limits tfjs-backend-webgpu asks for (as its own factory does): the adapter's maxima. */
function deviceDescriptor(adapter: Adapter): object {
  const l = adapter.limits;
  return {
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  };
}

/** Records the first lost-device or uncaptured GPU error (out of memory above all) as the fault. */
function watch(device: Device): void {
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') recordFault(`the GPU device was lost (${info.reason}): ${info.message}`);
  });
  device.addEventListener('uncapturederror', (event) => {
    const kind = event.error.constructor.name;
    recordFault(kind === 'GPUOutOfMemoryError' ? `out of GPU memory: ${event.error.message}` : `GPU error (${kind}): ${event.error.message}`);
  });
}

async function registerTfjsBackend(device: Device, info: AdapterInfo): Promise<void> {
  const specifier = '@tensorflow/tfjs-backend-webgpu';
  const { WebGPUBackend } = (await import(/* @vite-ignore */ specifier)) as { WebGPUBackend: new (device: Device, info: AdapterInfo) => tf.KernelBackend };
  // Importing the package registered a factory that opens its own adapter; ours uses the device watched above.
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, info), 3);
}

/** Patterns that name a CPU implementation of a graphics API. */
const softwareAdapters: [RegExp, string][] = [
  [/llvmpipe|lavapipe|softpipe/i, "Mesa's CPU rasteriser"],
  [/swiftshader/i, "Google's CPU rasteriser SwiftShader"],
  [/microsoft basic render|\bwarp\b/i, "Windows' CPU rasteriser WARP"],
];

export function describeAdapter(adapter: Pick<Adapter, 'info' | 'isFallbackAdapter' | 'limits'>): GpuAdapterRecord {
  const info = adapter.info ?? {};
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  const description = info.description ?? '';
  let softwareReason = softwareAdapters.find(([pattern]) => pattern.test(text))?.[1];
  if (softwareReason === undefined && (info.isFallbackAdapter || adapter.isFallbackAdapter)) softwareReason = 'the adapter says it is a fallback adapter';
  if (softwareReason === undefined && info.architecture === 'software') softwareReason = "its architecture is 'software'";
  // Dawn's Vulkan and D3D descriptions read "<driver name>: <driver version>".
  const colon = description.indexOf(': ');
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description,
    driver: colon >= 0 ? description.slice(colon + 2) : description,
    software: softwareReason !== undefined,
    ...(softwareReason !== undefined ? { softwareReason } : {}),
    limits: { maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
  };
}

/** One line for notes and `doctor`: "mesa software llvmpipe: Mesa 25.0.7 …, max buffer 4.0 GiB …". */
export function describeAdapterLine(a: GpuAdapterRecord): string {
  const gib = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${Math.round(n / 2 ** 20)} MiB`);
  const name = [a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' / ');
  return `${name}${a.software ? ' [software]' : ''}; max buffer ${gib(a.limits.maxBufferSize)}, max storage binding ${gib(a.limits.maxStorageBufferBindingSize)}`;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WebgpuUnavailable(`${what} got no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

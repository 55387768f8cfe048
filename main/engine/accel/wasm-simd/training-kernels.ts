// Loads the C/WebAssembly SIMD training kernels (training-kernels.c) into the memory of a
// tfjs wasm backend, so they read and write tensors where tfjs keeps them (no copies).
// One instance per backend memory; instantiation is synchronous (the module is ~5 KB).
import { trainingKernelsSharedWasmBase64, trainingKernelsWasmBase64 } from './training-kernels-binary';

/** The exported functions; every pointer is a byte offset into the tfjs heap. */
export interface TrainingKernels {
  conv2d_backprop_filter(
    x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number, oh: number, ow: number,
    co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number,
  ): void;
  sum_leading(x: number, out: number, rows: number, cols: number): void;
  /** Max pooling (NHWC) that records each output's winning input index (int32, −1 for none); y 0 skips the values. */
  max_pool_where(
    x: number, y: number, where: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
    fh: number, fw: number, sh: number, sw: number, top: number, left: number,
  ): void;
  /** dx = 0, then dx[where[o]] += dy[o] for every output o with where[o] ≥ 0. */
  max_pool_scatter(dy: number, where: number, dx: number, outputs: number, inputs: number): void;
  /** op: 0 add, 1 subtract, 2 multiply, 3 divide; rowFirst 1 computes row (op) big. */
  broadcast_rows(op: number, big: number, row: number, out: number, rows: number, cols: number, rowFirst: number): void;
  /**
   * c[i] = op(a[i])·op(b[i]) for i < batch: op(a) [m, k], op(b) [k, n], c [m, n]; aBatch and
   * bBatch are element strides between batch entries (0 broadcasts). Not both transposes.
   */
  matmul(
    a: number, b: number, c: number, batch: number, aBatch: number, bBatch: number, m: number, n: number, k: number,
    transposeA: number, transposeB: number,
  ): void;
  /** y = act(y + bias) in place over [rows, cols] (bias per column when hasBias; relu when relu is 1). */
  bias_activation(y: number, bias: number, rows: number, cols: number, hasBias: number, relu: number): void;
  /** Adam: m, v updated in place, new weights from w into wOut (n floats each); scalars as tfjs rounds them. */
  adam_update(
    w: number, wOut: number, g: number, m: number, v: number, n: number, beta1: number, oneMinusBeta1: number, beta2: number,
    oneMinusBeta2: number, oneMinusAccBeta1: number, oneMinusAccBeta2: number, epsilon: number, negLr: number,
  ): void;
  /** dz = dy · (y > 0 ? 1 : 0) over n floats (relu backward from its output); dz may be dy. */
  relu_backward(dy: number, y: number, dz: number, n: number): void;
  /** out = a + b over n floats (out may alias a or b). */
  add_arrays(a: number, b: number, out: number, n: number): void;
  /** g += coef·(w − ref) over n floats; returns Σ coef·(w − ref)² (twice the penalty). */
  penalty_gradient(g: number, w: number, ref: number, coef: number, n: number): number;
  /** Per-channel mean and biased variance of x [rows, cols] (tf.moments over the leading axis). */
  channel_moments(x: number, mean: number, variance: number, rows: number, cols: number): void;
  /** out = (x − mean)·scale + shift per channel, relu'd when relu is 1. */
  batch_norm_apply(x: number, mean: number, scale: number, shift: number, out: number, rows: number, cols: number, relu: number): void;
  /** Per channel Σ dy and Σ dy·(x − mean)·invStd. */
  batch_norm_backward_sums(dy: number, x: number, mean: number, invStd: number, sumDy: number, sumDyXhat: number, rows: number, cols: number): void;
  /** dx = k·(rows·dy − sumDy − x̂·sumDyXhat) per channel. */
  batch_norm_backward_input(dy: number, x: number, mean: number, invStd: number, k: number, sumDy: number, sumDyXhat: number, dx: number, rows: number, cols: number): void;
  /**
   * Dense-trainer Adam on a slice: gradient = Σ of `parts` buffers `stride` floats apart (+ the
   * penalty's gradient when coef is not 0, whose Σ c·(w − r)² is returned); m, v, w in place.
   */
  adam_update_sum(
    w: number, g: number, stride: number, parts: number, m: number, v: number, n: number, beta1: number, oneMinusBeta1: number,
    beta2: number, oneMinusBeta2: number, invBias1: number, invBias2: number, epsilon: number, negLr: number, ref: number, coef: number,
  ): number;
  /** wOut = negLr·g + w. */
  sgd_update(w: number, wOut: number, g: number, n: number, negLr: number): void;
  /** Non-centered RMSProp: ms (mean squares) and mom (moments) in place, new weights into wOut. */
  rmsprop_update(
    w: number, wOut: number, g: number, ms: number, mom: number, n: number, decay: number, oneMinusDecay: number, momentum: number,
    epsilon: number, lr: number,
  ): void;
}

/** A WebAssembly.Memory (this project's TypeScript libs do not declare the WebAssembly API). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** True when `value` is a WebAssembly.Memory. */
export function isWasmMemory(value: unknown): value is WasmMemory {
  return value instanceof webAssembly.Memory;
}

let compiled: object | undefined;
const instances = new WeakMap<WasmMemory, TrainingKernels>();

/** The kernels bound to `memory` (tfjs-backend-wasm's), instantiated on first use. */
export function trainingKernelsFor(memory: WasmMemory): TrainingKernels {
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    compiled ??= new webAssembly.Module(Buffer.from(trainingKernelsWasmBase64, 'base64'));
    const instance = new webAssembly.Instance(compiled, { env: { memory } });
    kernels = instance.exports as unknown as TrainingKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}

/** A compiled WebAssembly.Module (opaque here; worker_threads can receive it in workerData). */
export type WasmModule = object;

/** The kernels built for a shared memory (see scripts/build-wasm-kernels.sh), compiled once per thread. */
let compiledShared: WasmModule | undefined;
export function sharedKernelsModule(): WasmModule {
  compiledShared ??= new webAssembly.Module(Buffer.from(trainingKernelsSharedWasmBase64, 'base64'));
  return compiledShared;
}

let heapBase: number | undefined;
/**
 * The first byte the shared-memory kernels leave free: a constant of the module, read once
 * from an instance on a small memory (the module asks for 2 pages: its unused 64 KiB shadow
 * stack and a little more).
 */
export function sharedKernelsHeapBase(): number {
  heapBase ??= sharedKernelsFor(sharedKernelsModule(), createSharedMemory(16 * 65536)).heapBase;
  return heapBase;
}

/**
 * A shared WebAssembly.Memory of `bytes` (rounded up to 64 KiB pages) that never grows, so
 * views over it stay valid and every thread sees the same buffer.
 */
export function createSharedMemory(bytes: number): WasmMemory {
  const pages = Math.ceil(bytes / 65536);
  if (pages > 32768) throw new Error(`shared training memory: ${bytes} bytes needed, more than the kernels' 2 GiB limit`);
  return new webAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/**
 * The shared-memory kernels bound to `memory`, and the first byte they leave free. The kernels
 * use no shadow stack and no static data (the build checks), so any number of threads can
 * instantiate them on one memory and work in disjoint buffers above heapBase.
 */
export function sharedKernelsFor(module: WasmModule, memory: WasmMemory): { kernels: TrainingKernels; heapBase: number } {
  const instance = new webAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as TrainingKernels & { __heap_base: { value: number } };
  return { kernels: exports, heapBase: exports.__heap_base.value };
}

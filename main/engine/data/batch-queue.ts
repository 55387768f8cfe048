// Batches of a split read ahead while the current one is computed on. Training, validation,
// evaluation and the feature pass take batches from it in order; for samples that live on
// disk (readRowsAsync: the image cache, on-disk features) up to `depth` batches are being read
// by a reader thread while this thread runs a step, so a disk read and a step's compute
// overlap instead of adding up. Each batch is read into one of at most `depth` buffers that
// are reused, so memory holds depth × batch, never the dataset. Samples held in memory have
// no asynchronous read: there a batch is gathered when asked for (reading ahead on the same
// thread would gain nothing), into the step runner's own buffer when it has one.
//
// The consumer hands every batch back (release) once nothing uses it any more: a step runner
// copies its input before run() returns, so train.ts releases right after it. stop() waits
// for every read in flight, so no read writes into a buffer after it returns.
import { gatherRows, type Samples } from './datasets/samples';

/** Batches read ahead by default: one being computed on, two being read. */
export const DEFAULT_DEPTH = 3;
/**
 * Most memory the buffers of reading ahead may take: validation of 224 × 224 images in
 * batches of 256 (154 MB a batch) keeps one buffer, as before the queue, rather than two.
 */
export const READ_AHEAD_BYTES = 128 * 2 ** 20;

export interface Batch {
  /** The samples, n × size values: a view of a pooled buffer, valid until release(). */
  readonly x: Float32Array;
  /** Their labels (a view), or an empty array when the queue has no labels. */
  readonly y: Int32Array;
  /** Samples in this batch (the last one of an order may be short). */
  readonly n: number;
  /** Position of its first sample in the order. */
  readonly from: number;
}

export interface BatchQueueOptions {
  batchSize: number;
  /**
   * Batches in buffers at once, handed out or being read (default DEFAULT_DEPTH), fewer where
   * they would pass readAheadBytes together; at least 1.
   */
  depth?: number;
  /** Default READ_AHEAD_BYTES. */
  readAheadBytes?: number;
  /** Labels by row of the samples; batches carry theirs. */
  labels?: Int32Array;
  /**
   * Where batches of samples without an asynchronous read are gathered (the dense trainer's
   * shared memory, so its step need not copy). It must hold batchSize samples and labels.
   */
  syncBuffer?: { x: Float32Array; y: Int32Array };
}

interface Slot {
  x: Float32Array;
  y: Int32Array;
  /** Rows it holds. */
  rows: number;
  busy: boolean;
  /** Not allocated here (the syncBuffer). */
  borrowed: boolean;
}

export class BatchQueue {
  readonly batchSize: number;
  readonly depth: number;
  private readonly slots: Slot[] = [];
  private readonly handedOut = new Map<Batch, Slot>();
  /** Batch index → its read (resolved when its buffer is full). */
  private readonly reading = new Map<number, Promise<Batch>>();
  /** Every read not yet settled, including ones whose batch was dropped by stop(). */
  private readonly unsettled = new Set<Promise<void>>();
  private readonly asyncRead: boolean;
  private order: ArrayLike<number> | null = null;
  private total = 0;
  private batches = 0;
  private nextRead = 0;
  private nextHand = 0;
  private running = false;
  private failed = false;
  private allocations = 0;

  constructor(
    private readonly samples: Samples,
    private readonly options: BatchQueueOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error(`batch queue: batch size must be a whole number ≥ 1, got ${options.batchSize}`);
    this.batchSize = options.batchSize;
    const batchBytes = this.batchSize * samples.size * 4;
    const fits = Math.floor((options.readAheadBytes ?? READ_AHEAD_BYTES) / batchBytes);
    this.depth = Math.max(1, Math.min(Math.floor(options.depth ?? DEFAULT_DEPTH), fits));
    this.asyncRead = samples.readRowsAsync !== undefined;
    const own = options.syncBuffer;
    if (own && !this.asyncRead) {
      if (own.x.length < this.batchSize * samples.size || (options.labels && own.y.length < this.batchSize)) throw new Error('batch queue: the sync buffer holds fewer than batchSize samples');
      this.slots.push({ x: own.x, y: own.y, rows: this.batchSize, busy: false, borrowed: true });
    }
  }

  /**
   * Buffers this queue has allocated: at most depth, reused from pass to pass (a pass that
   * needs larger batches than an earlier one replaces them, and counts again).
   */
  get allocated(): number {
    return this.allocations;
  }

  /** Reads started and not yet settled. */
  get inFlight(): number {
    return this.unsettled.size;
  }

  /**
   * Starts handing out the samples order[0 .. count) (rows of the samples; all of them in
   * order when null) in batches, and reading ahead. The previous pass must be stopped.
   */
  start(order: ArrayLike<number> | null, count = order ? order.length : this.samples.count): void {
    if (this.running || this.unsettled.size > 0) throw new Error('batch queue: start() before the previous pass was stopped');
    this.order = order;
    this.total = count;
    this.batches = Math.ceil(count / this.batchSize);
    this.nextRead = 0;
    this.nextHand = 0;
    this.failed = false;
    this.running = true;
    this.fill();
  }

  /** The next batch in order, or null after the last. A read's failure rejects it (the file is named). */
  next(): Promise<Batch | null> {
    if (!this.running) return Promise.reject(new Error('batch queue: next() while stopped'));
    if (this.nextHand >= this.batches) return Promise.resolve(null);
    const k = this.nextHand;
    if (!this.asyncRead) {
      const slot = this.freeSlot();
      if (!slot) return Promise.reject(new Error(`batch queue: all ${this.depth} buffers are handed out; release a batch first`));
      this.nextHand += 1;
      try {
        return Promise.resolve(this.gather(k, slot));
      } catch (error) {
        slot.busy = false;
        return Promise.reject(error as Error);
      }
    }
    this.fill();
    const read = this.reading.get(k);
    if (!read) return Promise.reject(new Error(this.failed ? 'batch queue: an earlier read failed' : `batch queue: all ${this.depth} buffers are handed out; release a batch first`));
    this.reading.delete(k);
    this.nextHand += 1;
    return read;
  }

  /** Gives a batch's buffer back for the next read. */
  release(batch: Batch): void {
    const slot = this.handedOut.get(batch);
    if (!slot) return;
    this.handedOut.delete(batch);
    slot.busy = false;
    if (this.running) this.fill();
  }

  /**
   * Ends the pass (early or at its end): no read starts after this, and the promise resolves
   * once every read in flight has settled, so none writes into a buffer afterwards. Batches
   * handed out are invalid from then on.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.reading.clear();
    while (this.unsettled.size > 0) await Promise.all(this.unsettled);
    this.handedOut.clear();
    for (const slot of this.slots) slot.busy = false;
  }

  /** Starts reads into free buffers, in order, while there are batches left and buffers to spare. */
  private fill(): void {
    if (!this.asyncRead) return;
    while (this.running && !this.failed && this.nextRead < this.batches) {
      const slot = this.freeSlot();
      if (!slot) return;
      const k = this.nextRead++;
      this.reading.set(k, this.readAhead(k, slot));
    }
  }

  /** A buffer not in use that holds a full batch of this pass, allocating one while fewer than depth exist. */
  private freeSlot(): Slot | undefined {
    const rows = Math.min(this.batchSize, this.total);
    let slot = this.slots.find((s) => !s.busy && s.rows >= rows);
    if (!slot) {
      // A buffer too small for this pass (an earlier, shorter one) is replaced, not added to.
      const small = this.slots.findIndex((s) => !s.busy && !s.borrowed);
      if (small < 0 && this.slots.length >= this.depth) return undefined;
      const size = this.samples.size;
      // Shared memory where a reader thread fills it (datasets/file-rows.ts), so nothing is copied.
      const x = this.asyncRead ? new Float32Array(new SharedArrayBuffer(rows * size * 4)) : new Float32Array(rows * size);
      slot = { x, y: new Int32Array(this.options.labels ? rows : 0), rows, busy: false, borrowed: false };
      if (small >= 0) this.slots[small] = slot;
      else this.slots.push(slot);
      this.allocations += 1;
    }
    slot.busy = true;
    return slot;
  }

  private bounds(k: number): { from: number; n: number } {
    const from = k * this.batchSize;
    return { from, n: Math.min(this.batchSize, this.total - from) };
  }

  private labelsInto(slot: Slot, from: number, n: number): Int32Array {
    const labels = this.options.labels;
    if (!labels) return slot.y.subarray(0, 0);
    const y = slot.y.subarray(0, n);
    const order = this.order;
    for (let i = 0; i < n; i++) y[i] = labels[order ? order[from + i] : from + i];
    return y;
  }

  private handOut(slot: Slot, x: Float32Array, y: Int32Array, from: number, n: number): Batch {
    const batch: Batch = { x, y, n, from };
    this.handedOut.set(batch, slot);
    return batch;
  }

  private gather(k: number, slot: Slot): Batch {
    const { from, n } = this.bounds(k);
    const x = gatherRows(this.samples, this.order, from, from + n, slot.x);
    return this.handOut(slot, x, this.labelsInto(slot, from, n), from, n);
  }

  private readAhead(k: number, slot: Slot): Promise<Batch> {
    const { from, n } = this.bounds(k);
    const order = this.order;
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = order ? order[from + i] : from + i;
    const x = slot.x.subarray(0, n * this.samples.size);
    const y = this.labelsInto(slot, from, n);
    let read: Promise<void>;
    try {
      read = this.samples.readRowsAsync!(rows, x);
    } catch (error) {
      read = Promise.reject(error as Error);
    }
    const settled = read.then(
      () => {},
      () => {
        // No further reads: the consumer gets this error at this batch and stops.
        this.failed = true;
      },
    );
    this.unsettled.add(settled);
    void settled.then(() => this.unsettled.delete(settled));
    const batch = read.then(() => this.handOut(slot, x, y, from, n));
    // Handled here so a failed read that nobody asks for any more (after stop) is not an
    // unhandled rejection; next() still hands the rejection to whoever awaits the batch.
    batch.catch(() => {});
    return batch;
  }
}

/**
 * Calls `use` with the samples 0 .. count in batches, in order, read ahead (depth 2); each
 * batch's buffer is reused once `use` has settled. For the passes that only run a model
 * forward (validation, evaluation, the feature pass).
 */
export async function forEachBatch(
  samples: Samples,
  count: number,
  batchSize: number,
  use: (x: Float32Array, n: number, from: number) => void | Promise<void>,
): Promise<void> {
  const queue = new BatchQueue(samples, { batchSize, depth: 2 });
  queue.start(null, count);
  try {
    for (let batch = await queue.next(); batch; batch = await queue.next()) {
      await use(batch.x, batch.n, batch.from);
      queue.release(batch);
    }
  } finally {
    await queue.stop();
  }
}

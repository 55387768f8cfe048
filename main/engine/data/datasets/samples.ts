// Where a split's samples live, read one row at a time as float32. The dataset never has to
// sit in memory as floats: small sources keep their bytes (uint8, 4× smaller) and convert per
// row; image folders read rows from their decoded cache on disk (image-cache.ts); splits,
// subsets and shuffles are index permutations over a base (pickSamples), and resizing to a
// model's input size is a per-row transform (mapSamples). Consumers gather batches with
// gatherRows, or read them ahead with a BatchQueue (../batch-queue.ts), so memory holds the
// batches in flight, not the dataset. Sources on disk also read batches asynchronously
// (readRowsAsync: a reader thread reads them while this thread computes a step).

export interface Samples {
  /** Number of samples. */
  readonly count: number;
  /** Values per sample (product of the per-sample shape). */
  readonly size: number;
  /** Writes sample `row` (0 ≤ row < count) as float32 into dst[offset .. offset + size). */
  read(row: number, dst: Float32Array, offset: number): void;
  /**
   * Writes the samples `rows[k]` as float32 into dst[k × size ..), k = 0 .. rows.length, off
   * this thread where the source is a file. Only disk-backed sources have it: in memory the
   * synchronous read is already as fast as a copy. Must not touch `rows` or `dst` once settled.
   */
  readRowsAsync?(rows: Int32Array, dst: Float32Array): Promise<void>;
  /**
   * When every row is a row of a named base (an image cache file), unchanged: which row.
   * Picks keep it; transforms drop it. Lets a feature pass over the base serve any split of it.
   */
  readonly origin?: SampleOrigin;
}

export interface SampleOrigin {
  /** Names the base (the image cache's file). */
  base: string;
  /** The base row that this row is. */
  row(row: number): number;
}

/** Float samples held in memory (tabular data, features, tests). */
export function floatSamples(values: Float32Array, size: number): Samples {
  if (size <= 0 || values.length % size !== 0) throw new Error(`float samples: ${values.length} values are not a whole number of samples of ${size}`);
  return {
    count: values.length / size,
    size,
    read: (row, dst, offset) => dst.set(values.subarray(row * size, (row + 1) * size), offset),
  };
}

/** Byte samples held in memory (images 0..255), scaled to floats per row (default: to [0, 1]). */
export function byteSamples(values: Uint8Array, size: number, scale = 1 / 255): Samples {
  if (size <= 0 || values.length % size !== 0) throw new Error(`byte samples: ${values.length} bytes are not a whole number of samples of ${size}`);
  return {
    count: values.length / size,
    size,
    read: (row, dst, offset) => {
      const from = row * size;
      for (let i = 0; i < size; i++) dst[offset + i] = values[from + i] * scale;
    },
  };
}

/** The samples `indices[k]` of `base`, in that order: a split, a subset or a shuffle, without copying. */
export function pickSamples(base: Samples, indices: ArrayLike<number>): Samples {
  const rows = Int32Array.from(indices as ArrayLike<number>);
  for (const r of rows) if (r < 0 || r >= base.count) throw new Error(`pick samples: row ${r} outside 0..${base.count - 1}`);
  const from = base.origin;
  const origin = from ? { base: from.base, row: (row: number) => from.row(rows[row]) } : undefined;
  const picked: Samples = { count: rows.length, size: base.size, read: (row, dst, offset) => base.read(rows[row], dst, offset), ...(origin ? { origin } : {}) };
  const baseAsync = base.readRowsAsync?.bind(base);
  if (baseAsync) picked.readRowsAsync = (wanted, dst) => baseAsync(Int32Array.from(wanted, (r) => rows[r]), dst);
  return picked;
}

/**
 * Each sample of `base` transformed into `size` values (e.g. resized to a model's input).
 * The transform gets the base row in a scratch buffer that is reused: it must not keep it.
 */
export function mapSamples(base: Samples, size: number, transform: (src: Float32Array, dst: Float32Array, offset: number) => void): Samples {
  const scratch = new Float32Array(base.size);
  const mapped: Samples = {
    count: base.count,
    size,
    read: (row, dst, offset) => {
      base.read(row, scratch, 0);
      transform(scratch, dst, offset);
    },
  };
  const baseAsync = base.readRowsAsync?.bind(base);
  if (baseAsync) {
    // Base rows land in a scratch batch first; scratches are reused, one per read in flight
    // (a BatchQueue has at most its depth in flight, so this stays bounded too). Shared
    // memory, so a reader thread can write into it directly (datasets/file-rows.ts).
    const free: Float32Array[] = [];
    mapped.readRowsAsync = async (rows, dst) => {
      const needed = rows.length * base.size;
      let batch = free.pop();
      if (!batch || batch.length < needed) batch = new Float32Array(new SharedArrayBuffer(needed * 4));
      try {
        await baseAsync(rows, batch.subarray(0, needed));
        for (let k = 0; k < rows.length; k++) transform(batch.subarray(k * base.size, (k + 1) * base.size), dst, k * size);
      } finally {
        free.push(batch);
      }
    };
  }
  return mapped;
}

/**
 * Copies the rows `order[from..to)` of `samples` into one contiguous batch: into `into` when
 * given (a view of its first rows is returned), else a new array.
 */
export function gatherRows(samples: Samples, order: ArrayLike<number> | null, from: number, to: number, into?: Float32Array): Float32Array {
  const n = to - from;
  const size = samples.size;
  const x = into ? into.subarray(0, n * size) : new Float32Array(n * size);
  for (let i = 0; i < n; i++) samples.read(order ? order[from + i] : from + i, x, i * size);
  return x;
}

/** Every sample as one float32 array: for small data (previews, tests), never a whole image folder. */
export function samplesToArray(samples: Samples): Float32Array {
  return gatherRows(samples, null, 0, samples.count);
}

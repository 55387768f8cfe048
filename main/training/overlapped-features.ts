// The frozen prefix's feature pass overlapped with decoding. On a cold image cache the folder
// is decoded once (image-cache.ts); instead of waiting for the last image, the pass starts when
// the build starts and runs the prefix (on every core, parallel-predict.ts) over rows as they
// are written, so the predict threads compute one chunk while sharp decodes the next.
//
// Why the pass goes in the cache's row order and the splits pick from it afterwards: the
// splits are seeded shuffles over the folder's rows, and which rows they hold is only final
// once every image has decoded (an image that fails is dropped, which can shift the test split
// and the per-class limits). Rows are decoded in row order, so walking the rows the training
// split would hold if every image decodes, in ascending order, waits only for the decoder's
// contiguous prefix. Features are kept per cache row; the loaded dataset's train and
// validation splits then read them through their cache rows (samples.ts `origin`), and the
// few rows that a failed image moved into the training split are computed afterwards.
import * as tf from '@tensorflow/tfjs';
import type { BuildingDataset, Dataset, Split } from '../engine/data/datasets';
import { conformDataset } from '../engine/data/datasets';
import { createFeatureStore, type FeatureStore } from '../engine/data/datasets/feature-store';
import { pickSamples, type Samples } from '../engine/data/datasets/samples';
import { createPredictPool, type PredictPool } from '../engine/accel/data-parallel/parallel-predict';
import { planFeatureCache } from '../engine/training/feature-cache';
import { splitAtLayer } from '../engine/model';
import { overlapFeaturePass } from './overlap-policy';

/** Rows a chunk waits for before the prefix runs over them (unless decoding is done): a few batches per thread. */
const CHUNK_BATCHES_PER_THREAD = 4;

/** One run of the prefix over rows that were written: what was decoded when it started. */
export interface OverlapChunk {
  /** Cache rows first..last (inclusive) of the rows the pass covers. */
  first: number;
  last: number;
  rows: number;
  /** Rows of the cache written (the contiguous prefix) when the chunk started, of `total`. */
  decoded: number;
  total: number;
}

export interface OverlappedFeatures {
  /** The model whose prefix ran, and where it was cut: the phase uses the features only for that. */
  readonly model: tf.LayersModel;
  readonly cutLayer: string;
  /** Threads the prefix runs on. */
  readonly threads: number;
  /** Each chunk as it started, in order. */
  readonly chunks: readonly OverlapChunk[];
  /** performance.now() when the pass started. */
  readonly startedAt: number;
  /** Tells the pass the dataset finished loading (for the timings: how much of the pass ran during loading). */
  loadFinished(): void;
  /** Milliseconds of the pass that ran while the dataset was loading. */
  duringLoadMs(): number;
  /** Rows features() computed afterwards because the pass did not cover them (moved there by an image that failed). */
  readonly filledIn: number;
  /**
   * The features of a split of the loaded dataset (rows of the same cache): waits for the pass,
   * computes rows it did not cover. Null when the split's samples are not rows of this cache.
   */
  features(split: Split): Promise<Split | null>;
  dispose(): Promise<void>;
}

export interface OverlapSettings {
  /** The model's input shape: the dataset is conformed to it, as the phase will. */
  inputShape: number[];
  threads: number;
  isCancelled: () => boolean;
  /** Whether to overlap at all (default: overlapFeaturePass(), by the machine's cores). */
  overlap?: boolean;
  /** Tests: the built predict-thread entry and the batch size. */
  threadFile?: string;
  batchSize?: number;
}

/** Index of `value` in the ascending `sorted`, or -1. */
function indexOf(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] === value) return mid;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Starts the prefix of `model` (cut after `cutLayer`) over the cache rows of `building`'s
 * training split (validation is split off it later), as they are written. Null when that
 * split's samples are not rows of the cache (a per-row resize in between, say).
 */
export function startOverlappedFeatures(
  building: BuildingDataset,
  model: tf.LayersModel,
  cutLayer: string,
  settings: OverlapSettings,
): OverlappedFeatures | null {
  const { rows } = building;
  const origin = building.dataset.train.x.origin;
  if (!origin || origin.base !== rows.file) return null;
  const { prefix } = splitAtLayer(model, cutLayer);
  const featureSize = (prefix.outputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  const needed = Int32Array.from({ length: building.dataset.train.x.count }, (_, k) => origin.row(k)).sort();
  const startedAt = performance.now();
  let finishedAt: number | null = null;
  let loadEndedAt: number | null = null;
  const chunks: OverlapChunk[] = [];
  const stores: FeatureStore[] = [createFeatureStore(needed.length, featureSize)];
  // Always on the phase's threads: unlike the pass after loading, a small set does not pay
  // for starting them, since they start while the images decode.
  const newPool = (): Promise<PredictPool> =>
    createPredictPool(prefix, settings.inputShape, { threads: settings.threads, backend: tf.getBackend(), threadFile: settings.threadFile, batchSize: settings.batchSize });
  let threads = 1;
  let filledIn = 0;
  // Set by dispose(): a pass nobody will use (the load failed, the phase cut elsewhere) stops.
  let stopped = false;
  const isCancelled = () => stopped || settings.isCancelled();

  const pass = (async () => {
    let pool: PredictPool | undefined;
    try {
      pool = await newPool();
      threads = pool.threads;
      const chunkRows = pool.threads * CHUNK_BATCHES_PER_THREAD * (settings.batchSize ?? 32);
      for (let i = 0; i < needed.length; ) {
        // Wait for a chunk's worth of rows. While images still decode, run just that chunk (on
        // the inference threads alone, below); once all are decoded, the rest in one run on
        // every thread. A longer chunk taken while decoding would keep this thread idle long
        // after the decoders finished (measured: 1.45× the sequential wall time at 4,000 images).
        const want = Math.min(needed.length, i + chunkRows);
        await rows.ready(needed[want - 1] + 1);
        const decoded = rows.decoded;
        const end = decoded >= rows.samples.count ? needed.length : want;
        chunks.push({ first: needed[i], last: needed[end - 1], rows: end - i, decoded, total: rows.samples.count });
        const offset = i;
        await pool.run(pickSamples(rows.samples, needed.subarray(i, end)), {
          isCancelled,
          into: (start, values) => stores[0].write(offset + start, values),
          // While images still decode, this thread keeps the decoders fed (a batch computed
          // here would hold up every decoder waiting to write its row and start the next).
          useThisThread: decoded >= rows.samples.count,
        });
        i = end;
      }
    } finally {
      rows.close();
      await pool?.close();
      finishedAt = performance.now();
    }
  })();
  // Observed by features(); a pass that fails or is cancelled must not be an unhandled rejection.
  pass.catch(() => {});

  const features = async (split: Split): Promise<Split | null> => {
    const from = split.x.origin;
    if (!from || from.base !== rows.file) return null;
    await pass;
    const count = split.y.length;
    const slots = new Int32Array(count);
    const missing: number[] = [];
    for (let k = 0; k < count; k++) {
      slots[k] = indexOf(needed, from.row(k));
      if (slots[k] < 0) missing.push(k);
    }
    const covered = stores[0].samples();
    let extra: Samples | null = null;
    const extraSlot = new Int32Array(count).fill(-1);
    if (missing.length > 0) {
      const store = createFeatureStore(missing.length, featureSize);
      stores.push(store);
      const pool = await newPool();
      try {
        await pool.run(pickSamples(split.x, missing), { isCancelled, into: store.write });
      } finally {
        await pool.close();
      }
      missing.forEach((k, j) => (extraSlot[k] = j));
      filledIn += missing.length;
      extra = store.samples();
      finishedAt = performance.now();
    }
    const x: Samples = {
      count,
      size: featureSize,
      read: (row, dst, offset) => (slots[row] >= 0 ? covered.read(slots[row], dst, offset) : extra!.read(extraSlot[row], dst, offset)),
    };
    return { x, y: split.y, ids: split.ids };
  };

  return {
    model,
    cutLayer,
    get threads() {
      return threads;
    },
    chunks,
    get filledIn() {
      return filledIn;
    },
    startedAt,
    loadFinished: () => {
      loadEndedAt ??= performance.now();
    },
    duringLoadMs: () => Math.max(0, Math.min(loadEndedAt ?? performance.now(), finishedAt ?? performance.now()) - startedAt),
    features,
    dispose: async () => {
      stopped = true;
      await pass.catch(() => {});
      for (const store of stores) store.dispose();
    },
  };
}

/** What the feature pass needs to know, decided from the dataset's classes (e.g. the transferred model). */
export interface OverlapPlan {
  model: tf.LayersModel;
  frozenLayers: string[];
  augmentationOn: boolean;
}

/**
 * A LoadOptions.onBuildingDataset that starts the feature pass when the phase will cache
 * frozen features (the same planFeatureCache the phase runs after loading); `started()`
 * gives the pass, if one started. Anything that stops it from starting leaves the phase to
 * decide again after loading, and to report why.
 */
export function overlapWhileDecoding(
  plan: (dataset: Dataset) => OverlapPlan | null,
  settings: OverlapSettings,
): { onBuildingDataset?: (building: BuildingDataset) => void; started: () => OverlappedFeatures | undefined } {
  let overlapped: OverlappedFeatures | undefined;
  // Not overlapping (overlap-policy.ts): no hook, so the loader opens no rows while it builds.
  if (!(settings.overlap ?? overlapFeaturePass())) return { started: () => undefined };
  const onBuildingDataset = (building: BuildingDataset) => {
    try {
      const dataset = conformDataset(building.dataset, settings.inputShape);
      const chosen = plan(dataset);
      if (!chosen) return;
      const cache = planFeatureCache(chosen.model, chosen.frozenLayers, {
        augmentationOn: chosen.augmentationOn,
        trainCount: dataset.train.y.length,
        validationCount: 0,
      });
      if (!cache.cached) return;
      overlapped = startOverlappedFeatures({ ...building, dataset }, chosen.model, cache.cutLayer, settings) ?? undefined;
    } catch {
      // e.g. head 'keep' with another class count: the phase fails with that after loading.
    } finally {
      if (!overlapped) building.rows.close();
    }
  };
  return { onBuildingDataset, started: () => overlapped };
}

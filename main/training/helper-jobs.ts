// What the helper process does for the UI, with the engine: model summaries, predictions on
// new images (decoded with sharp), dataset previews and sample images, and cost estimates.
// It keeps recently used models and datasets in memory, so a results page asking for 50 sample images or a
// predict panel asking again loads once. The tfjs backend is chosen once, lazily.
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { selectBackend, type BackendChoice } from '../engine/accel/backend';
import { probeWebgpuAdapter } from '../engine/accel/webgpu';
import { buildModel, loadModel, summarizeModel } from '../engine/model';
import { loadDataset, previewDataset, type Dataset, type LoadOptions } from '../engine/data/datasets';
import { imageToPngDataUrl } from '../engine/data/datasets/preview';
import { sampleSize } from '../engine/data/datasets/dataset';
import type { HelperMethods } from './helper-protocol';
import { estimateExperiment } from './experiment-estimate';

/** Loaded models kept in memory, by folder; predictions on the same run reuse them. */
const MAX_CACHED_MODELS = 4;
/** Recently loaded datasets, for sample images. */
const MAX_CACHED_DATASETS = 3;

/** A request the helper refuses as asked (e.g. bytes that are no image); the message says why. */
export class HelperRequestError extends Error {
  readonly errorCode = 'bad-request';
  constructor(message: string) {
    super(message);
    this.name = 'HelperRequestError';
  }
}

type Args<M extends keyof HelperMethods> = HelperMethods[M]['args'];
type Result<M extends keyof HelperMethods> = Promise<HelperMethods[M]['result']>;

export class HelperJobs {
  private backendChoice?: Promise<BackendChoice>;
  private readonly models = new Map<string, Promise<tf.LayersModel>>();
  private readonly datasets = new Map<string, Promise<Dataset>>();

  async backend(_args: Args<'backend'>): Result<'backend'> {
    const choice = await this.ready();
    // The adapter 'auto' may have passed over (a software one) is worth naming too.
    const gpuAdapter = choice.gpuAdapter ?? (await probeWebgpuAdapter());
    return { name: choice.name, skipped: choice.skipped, tfjsVersion: tf.version.tfjs, ...(gpuAdapter ? { gpuAdapter } : {}) };
  }

  async summaryOfArchitecture({ architecture, inputShape, numClasses }: Args<'summaryOfArchitecture'>): Result<'summaryOfArchitecture'> {
    await this.ready();
    const model = buildModel(architecture, inputShape, numClasses, 0);
    try {
      return summarizeModel(model);
    } finally {
      model.dispose();
    }
  }

  async summaryOfModel({ modelDir }: Args<'summaryOfModel'>): Result<'summaryOfModel'> {
    return summarizeModel(await this.model(modelDir));
  }

  async predict({ modelDir, classNames, images, top, runId }: Args<'predict'>): Result<'predict'> {
    const model = await this.model(modelDir);
    const [h, w, c] = model.inputs[0].shape.slice(1) as number[];
    if (h === undefined || w === undefined || c === undefined) throw new HelperRequestError(`run ${runId}'s model does not take images`);
    const predictions = [];
    for (const [index, dataUrl] of images.entries()) {
      const input = await decodeImage(dataUrl, index, h, w, c);
      const probs = tf.tidy(() => (model.predict(tf.tensor(input, [1, h, w, c])) as tf.Tensor).squeeze());
      const values = Array.from(await probs.data());
      probs.dispose();
      const ranked = values.map((p, i) => ({ className: classNames[i] ?? `class ${i}`, probability: p })).sort((a, b) => b.probability - a.probability);
      predictions.push({ top: ranked.slice(0, top) });
    }
    return { predictions };
  }

  /** Class counts and sample images; a 'download' dataset is fetched first, with progress. */
  preview({ dataset, seed, perClass, dataFolder }: Args<'preview'>, onDownloadProgress?: LoadOptions['onDownloadProgress']): Result<'preview'> {
    return previewDataset(dataset, { seed, dataFolder, perClass, onDownloadProgress });
  }

  /** Each phase's cost on this machine, from the data counted and the models' timed forward passes. */
  async estimate({ spec, sourceModelDir, dataFolder }: Args<'estimate'>, onDownloadProgress?: LoadOptions['onDownloadProgress']): Result<'estimate'> {
    const backend = await this.ready();
    return estimateExperiment(spec, { sourceModelDir, dataFolder, backend: backend.name, onDownloadProgress });
  }

  async samples({ dataset: spec, seed, ids, dataFolder }: Args<'samples'>, onDownloadProgress?: LoadOptions['onDownloadProgress']): Result<'samples'> {
    const dataset = await this.dataset(spec, seed, dataFolder, onDownloadProgress);
    const wanted = new Set(ids);
    const images: { id: string; dataUrl: string }[] = [];
    const size = sampleSize(dataset.inputShape);
    for (const split of [dataset.train, dataset.test]) {
      for (let i = 0; i < split.ids.length && images.length < ids.length; i++) {
        if (!wanted.has(split.ids[i]) || dataset.inputShape.length !== 3) continue;
        const x = new Float32Array(size);
        split.x.read(i, x, 0);
        images.push({ id: split.ids[i], dataUrl: await imageToPngDataUrl(x, dataset.inputShape) });
        wanted.delete(split.ids[i]);
      }
    }
    return { images };
  }

  private ready(): Promise<BackendChoice> {
    this.backendChoice ??= selectBackend('auto');
    return this.backendChoice;
  }

  private model(modelDir: string): Promise<tf.LayersModel> {
    let cached = this.models.get(modelDir);
    if (!cached) {
      cached = this.ready().then(() => loadModel(modelDir));
      cached.catch(() => this.models.delete(modelDir));
      this.models.set(modelDir, cached);
      if (this.models.size > MAX_CACHED_MODELS) {
        const [oldest, model] = this.models.entries().next().value as [string, Promise<tf.LayersModel>];
        this.models.delete(oldest);
        void model.then((m) => m.dispose(), () => undefined);
      }
    }
    return cached;
  }

  private dataset(spec: Args<'samples'>['dataset'], seed: number, dataFolder: string, onDownloadProgress?: LoadOptions['onDownloadProgress']): Promise<Dataset> {
    const key = JSON.stringify([spec, seed, dataFolder]);
    let cached = this.datasets.get(key);
    if (!cached) {
      cached = loadDataset(spec, { seed, dataFolder, onDownloadProgress });
      cached.catch(() => this.datasets.delete(key));
      this.datasets.set(key, cached);
      if (this.datasets.size > MAX_CACHED_DATASETS) this.datasets.delete(this.datasets.keys().next().value as string);
    }
    return cached;
  }
}

/** An image data URL as the model's input: flattened on white, resized, scaled to [0, 1]. */
async function decodeImage(dataUrl: string, index: number, h: number, w: number, c: number): Promise<Float32Array> {
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  let pixels: Buffer;
  try {
    let img = sharp(bytes).flatten({ background: '#ffffff' }).resize(w, h, { fit: 'fill' });
    img = c === 1 ? img.grayscale() : img.toColourspace('srgb');
    pixels = await img.raw().toBuffer();
  } catch (err) {
    throw new HelperRequestError(`images[${index}] is not an image sharp can decode: ${(err as Error).message}`);
  }
  const channels = pixels.length / (h * w);
  const input = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) input[p * c + k] = pixels[p * channels + k] / 255;
  return input;
}

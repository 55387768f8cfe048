// The { "pretrained": "mobilenet-v1-0.25" } model: downloads the TF.js layers model into the
// cache, loads it, and turns it into a starting point for transfer learning.
//
// MobileNet's own output is a 1000-class ImageNet classifier reached through reshape →
// dropout → 1 × 1 conv → softmax → reshape. Head replacement (models/head.ts) swaps only the
// output layer, which here is a Reshape, so it cannot make MobileNet predict other classes.
// classifierOnFeatures therefore cuts the network at its feature layer (the global average
// pooling, 256 features for the 0.25 width) and puts a fresh Dense layer named 'head' on it.
// From then on the model is an ordinary model with a 'head': freezing ("all-but-head"),
// head 'replace' / 'keep' and saving work as for the built-in architectures.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { headDense } from '../../model/architectures';
import { loadModel } from '../../model/io';
import { ModelError } from '../../model/model-error';
import { cacheFolderOf, MODEL_CATALOG, type PretrainedModelName } from './catalog';
import { ensureCachedFile, type DownloadProgress, type DownloadSettings } from './cached-file';
import { DownloadError } from './download-error';
import { syncFolder } from '../../atomic-file';

/** Written last into the model's cache folder: the folder holds model.json and all its verified weights. */
const COMPLETE_MARKER = '.complete';
/** The layer added in front of the network to map [0, 1] pixels to the range the model was trained on. */
export const INPUT_SCALING_LAYER = 'input_scaling';

export interface PretrainedOptions {
  /** Files are cached in <dataFolder>/cache/<name>/. */
  dataFolder: string;
  download?: DownloadSettings;
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /**
   * When given, the model is cut at its feature layer and gets a fresh 'head' for this many
   * classes, with input scaling in front (see classifierOnFeatures). Without it, the model
   * is returned exactly as published.
   */
  numClasses?: number;
  /** Seeds the new head's initial weights. */
  seed?: number;
}

/** Downloads (once) and loads a pretrained model; see PretrainedOptions.numClasses. */
export async function loadPretrained(name: PretrainedModelName, opts: PretrainedOptions): Promise<tf.LayersModel> {
  const entry = MODEL_CATALOG[name];
  if (!entry) throw new ModelError(`unknown pretrained model "${name}"; known: ${Object.keys(MODEL_CATALOG).join(', ')}`);
  const folder = await ensurePretrainedFiles(name, opts);
  const published = await loadModel(folder);
  if (opts.numClasses === undefined) return published;
  try {
    return classifierOnFeatures(published, opts.numClasses, opts.seed ?? 0, entry.inputRange);
  } finally {
    published.dispose();
  }
}

/** The cache folder holding model.json and its weight files, downloading whatever is missing. */
export async function ensurePretrainedFiles(name: PretrainedModelName, opts: PretrainedOptions): Promise<string> {
  const entry = MODEL_CATALOG[name];
  const folder = cacheFolderOf(opts.dataFolder, name);
  if (await exists(path.join(folder, COMPLETE_MARKER))) return folder;
  const common = { entry, dataFolder: opts.dataFolder, settings: opts.download, onProgress: opts.onDownloadProgress };
  const modelJsonPath = await ensureCachedFile({ ...common, file: entry.files[0], fileIndex: 0, fileCount: 1 });
  const { shards, weightBytes } = await readManifest(modelJsonPath);
  for (const [i, shard] of shards.entries()) {
    await ensureCachedFile({ ...common, file: { name: shard }, fileIndex: i + 1, fileCount: shards.length + 1 });
  }
  // No published checksum: the weight files must together be exactly as long as the manifest says.
  let total = 0;
  for (const shard of shards) total += (await fs.stat(path.join(folder, shard))).size;
  if (weightBytes !== null && total !== weightBytes) {
    await Promise.all([entry.files[0].name, ...shards].map((f) => fs.rm(path.join(folder, f), { force: true })));
    throw new DownloadError(
      `the weight files of ${entry.title} (${shards.join(', ')}) hold ${total} bytes but model.json describes ${weightBytes}; ` +
        `they were deleted and will be downloaded again next time`,
      'checksum',
    );
  }
  await fs.writeFile(path.join(folder, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  await syncFolder(folder);
  return folder;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** The weight files model.json lists (plain names in its own folder only) and their expected total size. */
async function readManifest(modelJsonPath: string): Promise<{ shards: string[]; weightBytes: number | null }> {
  const bad = (what: string) => new DownloadError(`${modelJsonPath} is not a usable TF.js layers model.json: ${what}`, 'bad-content');
  let json: { weightsManifest?: unknown };
  try {
    json = JSON.parse(await fs.readFile(modelJsonPath, 'utf8')) as typeof json;
  } catch (error) {
    await fs.rm(modelJsonPath, { force: true });
    throw bad(`it is not JSON (${(error as Error).message}); it was deleted`);
  }
  if (!Array.isArray(json.weightsManifest)) throw bad('it has no weightsManifest array');
  const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
  const shards: string[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw bad('a weightsManifest group lacks paths or weights');
    for (const p of group.paths) {
      // Weight files are fetched relative to model.json and cached beside it: a name that
      // points elsewhere must not make us write outside the cache folder.
      if (typeof p !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p)) throw bad(`weight file "${String(p)}" is not a plain file name`);
      shards.push(p);
    }
  }
  let weightBytes: number | null = 0;
  for (const spec of manifest.flatMap((g) => g.weights)) {
    const size = BYTES_PER_ELEMENT[spec.quantization?.dtype ?? spec.dtype];
    if (size === undefined) {
      weightBytes = null;
      break;
    }
    weightBytes += tf.util.sizeFromShape(spec.shape) * size;
  }
  return { shards, weightBytes };
}

type ConfigDict = tf.serialization.ConfigDict;
type NodeRef = [string, number, number, ConfigDict];
interface LayerEntry extends ConfigDict {
  name: string;
  className: string;
  config: ConfigDict;
  inboundNodes: NodeRef[][];
}

/**
 * A new model: `model` up to its last GlobalAveragePooling2D layer, then a fresh softmax Dense
 * layer named 'head' with `numClasses` units. With `inputRange` [lo, hi], a Rescaling layer
 * named 'input_scaling' maps the datasets' [0, 1] pixels to [lo, hi] first, the range the
 * network was trained on. Weights are copied, so `model` can be disposed afterwards.
 */
export function classifierOnFeatures(
  model: tf.LayersModel,
  numClasses: number,
  seed: number,
  inputRange?: [number, number],
): tf.LayersModel {
  if (model instanceof tf.Sequential) {
    throw new ModelError(`model "${model.name}" is Sequential; cutting at the feature layer needs a functional model`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ModelError(`a classifier needs at least 2 classes, got ${numClasses}`);
  }
  const config = structuredClone(model.getConfig()) as ConfigDict;
  const layers = config.layers as LayerEntry[];
  const features = [...layers].reverse().find((l) => l.className === 'GlobalAveragePooling2D');
  if (!features) {
    throw new ModelError(`model "${model.name}" has no GlobalAveragePooling2D layer to take features from`);
  }
  for (const taken of ['head', INPUT_SCALING_LAYER]) {
    if (layers.some((l) => l.name === taken)) throw new ModelError(`model "${model.name}" already has a layer named "${taken}"`);
  }

  // Keep the feature layer and everything it depends on; the ImageNet classifier goes.
  const byName = new Map(layers.map((l) => [l.name, l]));
  const keep = new Set<string>();
  const pending = [features.name];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (keep.has(name)) continue;
    keep.add(name);
    for (const node of byName.get(name)?.inboundNodes ?? []) for (const [source] of node) pending.push(source);
  }
  const kept = layers.filter((l) => keep.has(l.name));
  const head = headDense(numClasses, seed);
  kept.push({ name: 'head', className: head.getClassName(), config: head.getConfig(), inboundNodes: [[[features.name, 0, 0, {}]]] });

  if (inputRange) {
    const inputName = (config.inputLayers as [string, number, number][])[0][0];
    for (const layer of kept) {
      for (const node of layer.inboundNodes) for (const ref of node) if (ref[0] === inputName) ref[0] = INPUT_SCALING_LAYER;
    }
    const [lo, hi] = inputRange;
    const scaling = tf.layers.rescaling({ name: INPUT_SCALING_LAYER, scale: hi - lo, offset: lo });
    const at = kept.findIndex((l) => l.name === inputName) + 1;
    kept.splice(at, 0, {
      name: INPUT_SCALING_LAYER,
      className: scaling.getClassName(),
      config: scaling.getConfig(),
      inboundNodes: [[[inputName, 0, 0, {}]]],
    });
  }
  config.layers = kept;
  config.outputLayers = [['head', 0, 0]];

  const result = tf.LayersModel.fromConfig(tf.LayersModel, config) as tf.LayersModel;
  for (const layer of result.layers) {
    if (layer.name === 'head' || layer.name === INPUT_SCALING_LAYER) continue;
    const weights = model.getLayer(layer.name).getWeights();
    if (weights.length > 0) layer.setWeights(weights);
  }
  return result;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}

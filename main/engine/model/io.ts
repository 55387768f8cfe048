// Saving and loading models in the TF.js layers format (model.json + weights.bin), from plain
// Node without tfjs-node: tfjs's own file:// handlers live in tfjs-node, so this file is the
// IOHandler for the local file system. Files saved here load in the browser, in tfjs-node and
// in the tfjs converter, and models exported by those load here.
//
// Imported models keep their layer names. When their output layer is not named 'head', that
// layer is still treated as the head by freeze and head replacement (see layer-stack.ts).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { syncFolder, writeFileAtomic } from '../atomic-file';
import { ModelError } from './model-error';
import { isWithinFolder, pathFor } from '../../folder-containment';

export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export interface SavedModelFiles {
  modelJsonPath: string;
  weightsPath: string;
  weightBytes: number;
}

/**
 * Writes `folder`/model.json and `folder`/weights.bin (creating the folder). Each file is
 * written to a temporary name, flushed to disk and renamed, weights first: a crash mid-save
 * leaves either the previous model or the new one, never a model.json pointing at half-written
 * weights.
 */
export async function saveModel(model: tf.LayersModel, folder: string): Promise<SavedModelFiles> {
  await fs.mkdir(folder, { recursive: true });
  const modelJsonPath = path.join(folder, MODEL_JSON_FILE);
  const weightsPath = path.join(folder, WEIGHTS_FILE);
  let weightBytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (artifacts.modelTopology == null || artifacts.modelTopology instanceof ArrayBuffer) {
        throw new ModelError(`cannot save model "${model.name}" to ${folder}: tfjs gave no JSON model topology`);
      }
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
      weightBytes = weights.byteLength;
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeFileAtomic(weightsPath, weights);
      await writeFileAtomic(modelJsonPath, JSON.stringify(modelJson));
      await syncFolder(folder);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return { modelJsonPath, weightsPath, weightBytes };
}

/**
 * Loads a layers model from a folder holding model.json, a path to a model.json (any name),
 * a file:// URL, or an http(s):// URL (fetched by tfjs, weights relative to the URL).
 */
export async function loadModel(pathOrUrl: string): Promise<tf.LayersModel> {
  if (/^https?:\/\//i.test(pathOrUrl)) {
    try {
      return await tf.loadLayersModel(pathOrUrl);
    } catch (error) {
      throw new ModelError(`cannot load model from ${pathOrUrl}: ${messageOf(error)}`);
    }
  }
  const localPath = pathOrUrl.startsWith('file://') ? fileURLToPath(pathOrUrl) : pathOrUrl;
  const modelJsonPath = await findModelJson(localPath);
  const modelJson = await readModelJson(modelJsonPath);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, (manifest) =>
    readWeights(manifest, modelJsonPath),
  );
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new ModelError(`cannot build the model described by ${modelJsonPath}: ${messageOf(error)}`);
  }
}

async function findModelJson(localPath: string): Promise<string> {
  const stats = await fs.stat(localPath).catch(() => null);
  if (stats == null) throw new ModelError(`model not found: ${localPath} does not exist`);
  if (!stats.isDirectory()) return localPath;
  const modelJsonPath = path.join(localPath, MODEL_JSON_FILE);
  const jsonStats = await fs.stat(modelJsonPath).catch(() => null);
  if (jsonStats == null || !jsonStats.isFile()) {
    throw new ModelError(`model not found: ${modelJsonPath} is missing (expected a TF.js layers model folder)`);
  }
  return modelJsonPath;
}

async function readModelJson(modelJsonPath: string): Promise<tf.io.ModelJSON> {
  const text = await fs.readFile(modelJsonPath, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`${modelJsonPath} is not valid JSON: ${messageOf(error)}`);
  }
  if (typeof parsed !== 'object' || parsed == null || Array.isArray(parsed)) {
    throw new ModelError(`${modelJsonPath} must hold a JSON object with modelTopology and weightsManifest`);
  }
  const json = parsed as Partial<tf.io.ModelJSON>;
  if (json.format === 'graph-model') {
    throw new ModelError(
      `${modelJsonPath} is a TF.js graph model; only layers models (format "layers-model") can be fine-tuned`,
    );
  }
  if (typeof json.modelTopology !== 'object' || json.modelTopology == null) {
    throw new ModelError(`${modelJsonPath} has no modelTopology object; expected a TF.js layers model.json`);
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new ModelError(`${modelJsonPath} has no weightsManifest array; expected a TF.js layers model.json`);
  }
  return json as tf.io.ModelJSON;
}

/**
 * The file a manifest's relative weights path names inside `folder`, or null when it would
 * leave the folder: absolute paths, `..`, and on any OS the Windows forms that resolve
 * elsewhere (`D:x` is relative to drive D's current folder, a leading backslash to the current drive's root),
 * so a model.json reads the same files wherever it is opened.
 */
export function weightsFileInFolder(folder: string, relative: string, platform: NodeJS.Platform = process.platform): string | null {
  if (relative === '' || /^[a-zA-Z]:/.test(relative) || /^[\\/]/.test(relative)) return null;
  const p = pathFor(platform);
  const parts = relative.split(/[\\/]+/);
  if (parts.includes('..')) return null;
  const file = p.resolve(folder, ...parts);
  return isWithinFolder(folder, file, platform) && file !== p.resolve(folder) ? file : null;
}

/** Reads every weights file the manifest lists, relative to model.json, and checks their total size. */
async function readWeights(
  manifest: tf.io.WeightsManifestConfig,
  modelJsonPath: string,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const folder = path.dirname(modelJsonPath);
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    for (const relative of group.paths) {
      // A model.json must not make us read files outside its own folder.
      const file = weightsFileInFolder(folder, relative);
      if (file === null) throw new ModelError(`${modelJsonPath} lists weights file "${relative}" outside its folder`);
      const data = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new ModelError(
          error.code === 'ENOENT'
            ? `weights file ${file} (listed in ${modelJsonPath}) is missing`
            : `cannot read weights file ${file}: ${error.message}`,
        );
      });
      buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    }
  }
  const specs = tf.io.getWeightSpecs(manifest);
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const expected = expectedWeightBytes(specs);
  if (expected != null && expected !== weightData.byteLength) {
    throw new ModelError(
      `weights files of ${modelJsonPath} hold ${weightData.byteLength} bytes but its weightsManifest describes ${expected}`,
    );
  }
  return [specs, weightData];
}

const bytesPerElement: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the manifest's weights occupy, or null when a dtype has no fixed size (strings). */
function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = bytesPerElement[dtype];
    if (size == null) return null;
    total += tf.util.sizeFromShape(spec.shape) * size;
  }
  return total;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

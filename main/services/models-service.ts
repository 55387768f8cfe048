// Models for the UI: layer tables, predictions on new images, and export of a run's model.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import type { Store } from '../store';
import { buildModel, loadModel, summarizeModel, type ModelSummary } from '../engine/models';
import type { ArchitectureName } from '../engine/spec';
import { ensureBackend } from './tfjs-runtime';
import { RequestError } from './request-error';

/** Loaded models kept in memory, by run id; predictions on the same run reuse them. */
const MAX_CACHED_MODELS = 4;

export class ModelsService {
  private readonly cache = new Map<string, Promise<tf.LayersModel>>();

  constructor(private readonly store: Store) {}

  async summaryOfArchitecture(arch: ArchitectureName, inputShape: number[], numClasses: number): Promise<ModelSummary> {
    await ensureBackend();
    const model = buildModel(arch, inputShape, numClasses, 0);
    try {
      return summarizeModel(model);
    } finally {
      model.dispose();
    }
  }

  async summaryOfRun(runId: string): Promise<ModelSummary> {
    const model = await this.model(runId);
    const summary = summarizeModel(model);
    const frozen = new Set(this.store.runs.require(runId).frozenLayers);
    // A saved model has every layer trainable again; show what the run actually froze.
    return { ...summary, layers: summary.layers.map((l) => ({ ...l, trainable: l.trainable && !frozen.has(l.name) })) };
  }

  async predict(runId: string, images: string[], top: number) {
    const model = await this.model(runId);
    const classNames = this.classNames(runId);
    const [h, w, c] = model.inputs[0].shape.slice(1) as number[];
    if (h === undefined || w === undefined || c === undefined) throw new RequestError(`run ${runId}'s model does not take images`);
    const predictions = [];
    for (const [index, dataUrl] of images.entries()) {
      const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
      let pixels: Buffer;
      try {
        let img = sharp(bytes).flatten({ background: '#ffffff' }).resize(w, h, { fit: 'fill' });
        img = c === 1 ? img.grayscale() : img.toColourspace('srgb');
        pixels = await img.raw().toBuffer();
      } catch (err) {
        throw new RequestError(`images[${index}] is not an image sharp can decode: ${(err as Error).message}`);
      }
      const channels = pixels.length / (h * w);
      const input = new Float32Array(h * w * c);
      for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) input[p * c + k] = pixels[p * channels + k] / 255;
      const probs = tf.tidy(() => (model.predict(tf.tensor(input, [1, h, w, c])) as tf.Tensor).squeeze());
      const values = Array.from(await probs.data());
      probs.dispose();
      const ranked = values.map((p, i) => ({ className: classNames[i] ?? `class ${i}`, probability: p })).sort((a, b) => b.probability - a.probability);
      predictions.push({ top: ranked.slice(0, top) });
    }
    return { predictions };
  }

  /** Copies the run's saved model (TF.js layers format) into `folder`. */
  exportModel(runId: string, folder: string): { path: string } {
    const source = this.modelDir(runId);
    const dest = path.resolve(folder);
    fs.mkdirSync(dest, { recursive: true });
    for (const file of fs.readdirSync(source)) fs.copyFileSync(path.join(source, file), path.join(dest, file));
    return { path: dest };
  }

  private classNames(runId: string): string[] {
    const dataset = this.store.runs.require(runId).dataset as { classNames?: string[] } | null;
    return dataset?.classNames ?? [];
  }

  private modelDir(runId: string): string {
    const artifact = this.store.artifacts.list(runId, 'model')[0];
    if (!artifact || !fs.existsSync(artifact.path)) throw new RequestError(`run ${runId} has no saved model`);
    return artifact.path;
  }

  private model(runId: string): Promise<tf.LayersModel> {
    let cached = this.cache.get(runId);
    if (!cached) {
      const dir = this.modelDir(runId);
      cached = ensureBackend().then(() => loadModel(dir));
      cached.catch(() => this.cache.delete(runId));
      this.cache.set(runId, cached);
      if (this.cache.size > MAX_CACHED_MODELS) {
        const [oldest, model] = this.cache.entries().next().value as [string, Promise<tf.LayersModel>];
        this.cache.delete(oldest);
        void model.then((m) => m.dispose(), () => undefined);
      }
    }
    return cached;
  }
}

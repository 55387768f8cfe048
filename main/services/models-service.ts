// Models for the UI: layer tables, predictions on new images, and export of a run's model.
// Building, loading and running models (and decoding images) happens in the helper process;
// this service finds the run's files and facts in the store.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store';
import type { ArchitectureName } from '@contract/spec';
import type { HelperClient } from './helper-client';
import { RequestError } from './request-error';

export class ModelsService {
  constructor(
    private readonly store: Store,
    private readonly helper: HelperClient,
  ) {}

  summaryOfArchitecture(architecture: ArchitectureName, inputShape: number[], numClasses: number) {
    return this.helper.request('summaryOfArchitecture', { architecture, inputShape, numClasses });
  }

  async summaryOfRun(runId: string) {
    const summary = await this.helper.request('summaryOfModel', { modelDir: this.modelDir(runId) });
    const frozen = new Set(this.store.runs.require(runId).frozenLayers);
    // A saved model has every layer trainable again; show what the run actually froze.
    return { ...summary, layers: summary.layers.map((l) => ({ ...l, trainable: l.trainable && !frozen.has(l.name) })) };
  }

  predict(runId: string, images: string[], top: number) {
    return this.helper.request('predict', { modelDir: this.modelDir(runId), classNames: this.classNames(runId), images, top, runId });
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
}

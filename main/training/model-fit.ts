// Making data and model fit each other before a phase, out loud:
// - an image folder without imageSize is decoded at the input size of a model that fixes it
//   (imported, pretrained, or the source of a transfer), not at 64 px and stretched later;
// - an imported model whose output layer does not have one unit per class gets a new head,
//   with a note in the run, rather than training a few of its outputs in silence.
import type * as tf from '@tensorflow/tfjs';
import type { DatasetSpec } from '@contract/spec';
import { headUnits, transferModel } from '../engine/model';
import { ModelError } from '../engine/model/model-error';

/** The model's per-sample input shape, e.g. [224, 224, 3]. */
export function modelInputShape(model: tf.LayersModel): number[] {
  return model.inputs[0].shape.slice(1) as number[];
}

/** The dataset spec with an image folder's size (and channels) taken from the model where the spec leaves them open. */
export function decodeAtModelSize(spec: DatasetSpec, inputShape: readonly number[]): { spec: DatasetSpec; note?: string } {
  if (spec.kind !== 'folder' || spec.imageSize || inputShape.length !== 3) return { spec };
  const [h, w, c] = inputShape;
  if (!(h > 0 && w > 0)) return { spec };
  const channels = spec.channels ?? (c === 1 || c === 3 ? c : undefined);
  return {
    spec: { ...spec, imageSize: [h, w], ...(channels ? { channels } : {}) },
    note: `images decoded at ${h} × ${w}${channels ? ` × ${channels}` : ''}, the model's input size`,
  };
}

/**
 * An imported model whose output layer has `numClasses` units is used as is; otherwise its
 * output layer is replaced by a fresh, seeded one for `numClasses` (a note says so), or, when
 * that is impossible, a ModelError explains what the model would need.
 */
export function fitHeadToClasses(model: tf.LayersModel, numClasses: number, seed: number): { model: tf.LayersModel; note?: string } {
  let units: number;
  try {
    units = headUnits(model);
  } catch (error) {
    throw new ModelError(`the imported model's output layer cannot be used for ${numClasses} classes: ${(error as Error).message}`);
  }
  if (units === numClasses) return { model };
  let replaced: tf.LayersModel;
  try {
    replaced = transferModel(model, { numClasses, head: 'replace', seed });
  } catch (error) {
    throw new ModelError(
      `the imported model predicts ${units} classes but the data has ${numClasses}, and its output layer could not be replaced (${(error as Error).message}); ` +
        `export the model with a ${numClasses}-unit output layer`,
    );
  }
  model.dispose();
  return { model: replaced, note: `the imported model predicts ${units} classes and the data has ${numClasses}: its output layer was replaced by a new ${numClasses}-class head` };
}

// Freezing layers for fine-tuning, as pure functions over a model's layer table (the
// 'models.summary' rows): toggling one layer, "freeze through here", the parameter counts
// the table shows, and the spec's `freeze` value the choice becomes. The engine resolves the
// same spec (main/engine/model/freeze.ts); these functions only prepare it.
import type { FreezeSpec } from '@contract/spec';

export interface LayerRow {
  name: string;
  type: string;
  outputShape: (number | null)[];
  params: number;
  trainable: boolean;
}

export interface ParameterCounts {
  total: number;
  trainable: number;
  frozen: number;
}

/** The output layer: the last one (built-in architectures name it 'head'). */
export function headLayerName(layers: readonly LayerRow[]): string | undefined {
  return layers.at(-1)?.name;
}

/** The frozen names in model order, so lists compare and serialise the same way. */
function inModelOrder(layers: readonly LayerRow[], names: Iterable<string>): string[] {
  const set = new Set(names);
  return layers.filter((l) => set.has(l.name)).map((l) => l.name);
}

/** Freezes `name` if it is trainable, unfreezes it if frozen. */
export function toggleFrozen(layers: readonly LayerRow[], frozen: readonly string[], name: string): string[] {
  if (!layers.some((l) => l.name === name)) return inModelOrder(layers, frozen);
  const set = new Set(frozen);
  if (set.has(name)) set.delete(name);
  else set.add(name);
  return inModelOrder(layers, set);
}

/**
 * Freezes every layer from the input up to and including `name` and unfreezes the rest:
 * the usual transfer recipe (keep the early, general features; retrain the later ones).
 */
export function freezeThrough(layers: readonly LayerRow[], name: string): string[] {
  const index = layers.findIndex((l) => l.name === name);
  if (index < 0) return [];
  return layers.slice(0, index + 1).map((l) => l.name);
}

/**
 * Parameters the optimiser will and will not update. A batch-normalisation layer's moving
 * mean and variance (half its parameters) are never trained by gradient, frozen or not, so
 * they count as frozen either way, as Keras and the core's summary count them.
 */
export function parameterCounts(layers: readonly LayerRow[], frozen: readonly string[]): ParameterCounts {
  const set = new Set(frozen);
  let total = 0;
  let trainable = 0;
  for (const layer of layers) {
    total += layer.params;
    if (set.has(layer.name)) continue;
    trainable += layer.type === 'BatchNormalization' ? layer.params / 2 : layer.params;
  }
  return { total, trainable, frozen: total - trainable };
}

/** The spec's `freeze`: 'none', a prefix as `{ through }` (the engine can cache it), or a list. */
export function freezeSpecOf(layers: readonly LayerRow[], frozen: readonly string[]): FreezeSpec {
  const ordered = inModelOrder(layers, frozen);
  if (ordered.length === 0) return 'none';
  const isPrefix = ordered.every((name, i) => layers[i]?.name === name);
  return isPrefix ? { through: ordered[ordered.length - 1] } : { layers: ordered };
}

/** Why this choice cannot train, or null when it can. */
export function freezeProblem(layers: readonly LayerRow[], frozen: readonly string[]): string | null {
  const set = new Set(frozen);
  const weighted = layers.filter((l) => l.params > 0);
  if (weighted.length > 0 && weighted.every((l) => set.has(l.name))) {
    return 'Every layer with weights is frozen, so nothing would train. Unfreeze at least the head.';
  }
  return null;
}

/** A source head can be kept only when it predicts as many classes as the target has. */
export function headMustBeReplaced(sourceClasses: number, targetClasses: number): boolean {
  return sourceClasses !== targetClasses;
}

/** The number of classes the table's output layer predicts (its last output dimension). */
export function headClasses(layers: readonly LayerRow[]): number | null {
  const shape = layers.at(-1)?.outputShape;
  const units = shape?.[shape.length - 1];
  return typeof units === 'number' ? units : null;
}

/**
 * The table as it will be after a fresh head of `numClasses` replaces the source's: a dense
 * head's parameters scale with its units ((inputs + 1) × units).
 */
export function withReplacedHead(layers: readonly LayerRow[], numClasses: number): LayerRow[] {
  const head = layers.at(-1);
  const units = headClasses(layers);
  if (!head || units === null || units === numClasses || units <= 0) return [...layers];
  const inputsPlusBias = head.params / units;
  const shape = [...head.outputShape.slice(0, -1), numClasses];
  return [...layers.slice(0, -1), { ...head, outputShape: shape, params: inputsPlusBias * numClasses, trainable: true }];
}

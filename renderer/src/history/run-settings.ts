// A run's recorded settings as labelled rows in words ("Learning rate 0.001", "Early
// stopping after 3 epochs without improvement"), so the run page never mixes labels with
// raw keys and JSON. Unknown keys (from newer versions) still show, labelled from the key.
import { MISSING } from '../lib/format';

export interface SettingRow {
  label: string;
  value: string;
}

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const pct = (x: unknown) => (typeof x === 'number' ? `${Math.round(x * 1000) / 10} %` : MISSING);

/** A value of a key this file does not know, in words rather than JSON. */
export function plainValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return MISSING;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(plainValue).join(', ');
  if (isRecord(value)) return Object.entries(value).map(([k, v]) => `${keyLabel(k).toLowerCase()} ${plainValue(v)}`).join(' · ');
  return String(value);
}

/** "learningRate" → "Learning rate". */
export function keyLabel(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function freezeText(freeze: unknown): string {
  if (freeze === 'none' || freeze === undefined) return 'nothing';
  if (freeze === 'all-but-head') return 'every layer but the head';
  if (isRecord(freeze) && typeof freeze.through === 'string') return `every layer through ${freeze.through}`;
  if (isRecord(freeze) && Array.isArray(freeze.layers)) return freeze.layers.length ? freeze.layers.map(String).join(', ') : 'nothing';
  return plainValue(freeze);
}

function regularizationText(r: unknown): string {
  if (!isRecord(r) || r.kind === 'none') return 'none';
  if (r.kind === 'l2') return `L2 weight decay (weight ${plainValue(r.weight)})`;
  if (r.kind === 'l2-sp') return `L2-SP towards the source weights (α ${plainValue(r.alpha)}, β ${plainValue(r.beta)})`;
  return plainValue(r);
}

function augmentationText(a: unknown): string {
  if (!isRecord(a)) return 'off';
  const parts: string[] = [];
  if (a.flip) parts.push('horizontal flips');
  if (typeof a.shift === 'number' && a.shift > 0) parts.push(`shifts up to ${pct(a.shift)}`);
  if (typeof a.rotation === 'number' && a.rotation > 0) parts.push(`rotations up to ${a.rotation}°`);
  if (typeof a.brightness === 'number' && a.brightness > 0) parts.push(`brightness ± ${pct(a.brightness)}`);
  return parts.length > 0 ? parts.join(', ') : 'off';
}

const KNOWN: Record<string, { label: string; value: (v: unknown) => string }> = {
  epochs: { label: 'Epochs', value: plainValue },
  batchSize: { label: 'Batch size', value: plainValue },
  optimizer: { label: 'Optimizer', value: (v) => ({ adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop', adadelta: 'Adadelta' })[String(v)] ?? plainValue(v) },
  learningRate: { label: 'Learning rate', value: plainValue },
  validationSplit: { label: 'Validation split', value: pct },
  earlyStopping: { label: 'Early stopping', value: (v) => (isRecord(v) && typeof v.patience === 'number' ? `after ${v.patience} epochs without improvement` : 'off') },
  augmentation: { label: 'Augmentation', value: augmentationText },
  seed: { label: 'Seed', value: plainValue },
  freeze: { label: 'Frozen (as asked)', value: freezeText },
  head: { label: 'Head', value: (v) => (v === 'replace' ? 'replaced (a new output layer for the target classes)' : v === 'keep' ? 'kept from the source model' : plainValue(v)) },
  regularization: { label: 'Regularisation', value: regularizationText },
  initialisation: { label: 'Initialisation', value: (v) => (v === 'random' ? 'random weights (the from-scratch baseline)' : plainValue(v)) },
};

/** Rows in a fixed order: the training knobs first, then transfer settings, then anything else. */
export function settingRows(hyperparams: Rec): SettingRow[] {
  const order = Object.keys(KNOWN);
  const keys = Object.keys(hyperparams).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  return keys.map((key) => {
    const known = KNOWN[key];
    return known ? { label: known.label, value: known.value(hyperparams[key]) } : { label: keyLabel(key), value: plainValue(hyperparams[key]) };
  });
}

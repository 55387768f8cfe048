// Training hyperparameters as the form edits them, their validation (messages shown next to
// each control; Start stays disabled while any is present), and the spec's `training` they
// become. The limits mirror the spec's schema (contract/spec.ts), so a form that
// validates here is accepted by the core.
import type { TrainingSpec } from '@contract/spec';

export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adadelta'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface Hyperparameters {
  /** Numbers may be null while a field is empty (an empty number input). */
  epochs: number | null;
  batchSize: number | null;
  optimizer: OptimizerName;
  learningRate: number | null;
  /** Percent of the training data held out for validation (0 to 90). */
  validationPercent: number | null;
  earlyStopping: boolean;
  patience: number | null;
  augment: boolean;
  flip: boolean;
  /** Largest shift, percent of width/height (0 to 50). */
  shiftPercent: number | null;
  /** Largest rotation in degrees (0 to 45). */
  rotation: number | null;
}

export type HyperparameterField = keyof Hyperparameters;
export type HyperparameterErrors = Partial<Record<HyperparameterField, string>>;

export function defaultHyperparameters(overrides: Partial<Hyperparameters> = {}): Hyperparameters {
  return {
    epochs: 5,
    batchSize: 32,
    optimizer: 'adam',
    learningRate: 0.001,
    validationPercent: 10,
    earlyStopping: false,
    patience: 3,
    augment: false,
    flip: false,
    shiftPercent: 10,
    rotation: 10,
    ...overrides,
  };
}

function isWhole(x: number | null): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

function isNumber(x: number | null): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** One message per invalid field, in words that say what to enter. */
export function validateHyperparameters(h: Hyperparameters): HyperparameterErrors {
  const errors: HyperparameterErrors = {};
  if (!isWhole(h.epochs) || h.epochs < 1 || h.epochs > 10_000) errors.epochs = 'Enter a whole number of epochs from 1 to 10,000.';
  if (!isWhole(h.batchSize) || h.batchSize < 1 || h.batchSize > 65_536) errors.batchSize = 'Enter a whole batch size from 1 to 65,536 (32 is a good start).';
  if (!OPTIMIZERS.includes(h.optimizer)) errors.optimizer = `Choose one of ${OPTIMIZERS.join(', ')}.`;
  if (!isNumber(h.learningRate) || h.learningRate <= 0 || h.learningRate > 10) {
    errors.learningRate = 'Enter a learning rate above 0 and at most 10 (Adam usually wants 0.001).';
  }
  if (!isNumber(h.validationPercent) || h.validationPercent < 0 || h.validationPercent > 90) {
    errors.validationPercent = 'Enter a validation share from 0 % to 90 %.';
  }
  if (h.earlyStopping && (!isWhole(h.patience) || h.patience < 1 || h.patience > 1000)) {
    errors.patience = 'Enter a patience of 1 to 1,000 epochs, or turn early stopping off.';
  }
  if (h.earlyStopping && h.validationPercent === 0 && !errors.validationPercent) {
    errors.patience = 'Early stopping watches the validation loss: hold out some validation data (e.g. 10 %).';
  }
  if (h.augment) {
    if (!isNumber(h.shiftPercent) || h.shiftPercent < 0 || h.shiftPercent > 50) errors.shiftPercent = 'Enter a shift from 0 % to 50 %.';
    if (!isNumber(h.rotation) || h.rotation < 0 || h.rotation > 45) errors.rotation = 'Enter a rotation from 0° to 45°.';
  }
  return errors;
}

/**
 * A batch larger than the training split is allowed (each epoch is then a single step on
 * every sample) but rarely meant: a note that says so, or null. `samples` is the number of
 * samples the data choice keeps; the validation share is held out of it.
 */
export function batchSizeNote(h: Hyperparameters, samples: number | null): string | null {
  if (samples === null || !isWhole(h.batchSize) || !isNumber(h.validationPercent)) return null;
  const training = Math.floor(samples * (1 - h.validationPercent / 100));
  if (training <= 0 || h.batchSize <= training) return null;
  return `The batch size (${h.batchSize}) is larger than the ${training.toLocaleString('en-US')} training samples: every epoch will be a single update. Try ${Math.max(1, Math.min(32, Math.floor(training / 4)))}.`;
}

export function isValid(errors: HyperparameterErrors): boolean {
  return Object.keys(errors).length === 0;
}

/** The spec's `training`; call only with hyperparameters that validate. */
export function toTrainingSpec(h: Hyperparameters): TrainingSpec {
  const errors = validateHyperparameters(h);
  if (!isValid(errors)) throw new Error(`invalid hyperparameters: ${Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  const training: TrainingSpec = {
    epochs: h.epochs as number,
    batchSize: h.batchSize as number,
    optimizer: h.optimizer,
    learningRate: h.learningRate as number,
    validationSplit: (h.validationPercent as number) / 100,
  };
  if (h.earlyStopping) training.earlyStopping = { patience: h.patience as number };
  if (h.augment) {
    training.augmentation = { flip: h.flip, shift: (h.shiftPercent as number) / 100, rotation: h.rotation as number, brightness: 0 };
  }
  return training;
}

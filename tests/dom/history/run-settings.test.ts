// The run page's settings in words: labelled rows, never raw keys or JSON.
import { describe, expect, it } from 'vitest';
import { keyLabel, settingRows } from '../../../renderer/src/history/run-settings';

describe('settingRows', () => {
  it('labels every recorded setting of a fine-tuned run and writes values in words', () => {
    const rows = settingRows({
      regularization: { kind: 'l2-sp', alpha: 0.01, beta: 0.0001 },
      head: 'replace',
      freeze: { through: 'pool1' },
      seed: 7,
      augmentation: { flip: true, shift: 0.1, rotation: 10, brightness: 0 },
      earlyStopping: { patience: 3 },
      validationSplit: 0.2,
      learningRate: 0.0005,
      optimizer: 'adam',
      batchSize: 16,
      epochs: 10,
      newerSetting: { someThing: true },
    });
    expect(rows).toEqual([
      { label: 'Epochs', value: '10' },
      { label: 'Batch size', value: '16' },
      { label: 'Optimizer', value: 'Adam' },
      { label: 'Learning rate', value: '0.0005' },
      { label: 'Validation split', value: '20 %' },
      { label: 'Early stopping', value: 'after 3 epochs without improvement' },
      { label: 'Augmentation', value: 'horizontal flips, shifts up to 10 %, rotations up to 10°' },
      { label: 'Seed', value: '7' },
      { label: 'Frozen (as asked)', value: 'every layer through pool1' },
      { label: 'Head', value: 'replaced (a new output layer for the target classes)' },
      { label: 'Regularisation', value: 'L2-SP towards the source weights (α 0.01, β 0.0001)' },
      { label: 'Newer setting', value: 'some thing yes' },
    ]);
    for (const row of rows) expect(row.value).not.toMatch(/[{}"]/);
  });

  it('turns keys into labels', () => {
    expect(keyLabel('learningRate')).toBe('Learning rate');
    expect(keyLabel('frozen_layers')).toBe('Frozen layers');
  });
});

// Experiment names come from the choices, so a list read later says what each one was.
import { describe, expect, it } from 'vitest';
import { defaultDataChoice, defaultDraft } from '../../../renderer/src/wizard/draft';
import { dataLabel, suggestedName } from '../../../renderer/src/wizard/experiment-name';

describe('suggestedName', () => {
  it('names the default digits experiment from its choices, not a fixed text', () => {
    const draft = defaultDraft();
    expect(draft.name).toBe('Digits 0–4 → Digits 5–9 · seed-cnn · nothing frozen');
    draft.sourceData.classes = [0, 1, 2];
    expect(suggestedName(draft)).toBe('Digits 0–2 → Digits 5–9 · seed-cnn · nothing frozen');
  });

  it('names a folder → IDX experiment with a small CNN and frozen layers (the replaced head not counted)', () => {
    const draft = defaultDraft();
    draft.sourceData = defaultDataChoice({ origin: 'folder', path: '/home/me/Fashion/', classes: [0, 1, 2, 3, 4] });
    draft.targetData = defaultDataChoice({ origin: 'idx', path: '/data/t10k-images-idx3-ubyte.gz', labelsPath: '/data/t10k-labels-idx1-ubyte.gz' });
    draft.model.architecture = 'small-cnn';
    draft.frozen = ['conv1', 'bn1', 'relu1', 'pool1', 'head'];
    expect(suggestedName(draft)).toBe('Fashion folder (5 classes) → t10k IDX · small-cnn · 4 frozen');
  });

  it('labels every kind of data', () => {
    expect(dataLabel(defaultDataChoice({ origin: 'builtin', name: 'shapes', classes: [0, 1, 2] }))).toBe('Shapes (3 classes)');
    expect(dataLabel(defaultDataChoice({ origin: 'download', name: 'fashion-mnist' }))).toBe('Fashion-MNIST');
    expect(dataLabel(defaultDataChoice({ origin: 'csv', path: 'C:\\data\\iris.csv' }))).toBe('iris CSV');
    expect(dataLabel(defaultDataChoice({ origin: 'builtin', name: 'mnist', classes: [1, 3, 7] }))).toBe('Digits 1, 3, 7');
  });
});

describe('halfLabels', () => {
  it('reads numbered classes as a range and named ones as first/last halves', async () => {
    const { halfLabels } = await import('../../../renderer/src/wizard/data-choice');
    expect(halfLabels(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])).toEqual(['0–4', '5–9']);
    expect(halfLabels(['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'])).toEqual(['First 5 classes', 'Last 5 classes']);
  });
});

// The layer table's freeze logic: toggling, "freeze through here", parameter counts, the
// spec value a choice becomes, and the head that must be replaced when class counts differ.
import { describe, expect, it } from 'vitest';
import {
  freezeProblem,
  freezeSpecOf,
  freezeThrough,
  headMustBeReplaced,
  parameterCounts,
  toggleFrozen,
  withReplacedHead,
  type LayerRow,
} from '../../../renderer/src/components/layer-freeze';

// seed-cnn on 28×28×1 with 5 classes, as 'models.summary' describes it.
const seedCnn: LayerRow[] = [
  { name: 'conv1', type: 'Conv2D', outputShape: [null, 26, 26, 32], params: 320, trainable: true },
  { name: 'pool1', type: 'MaxPooling2D', outputShape: [null, 13, 13, 32], params: 0, trainable: true },
  { name: 'flatten', type: 'Flatten', outputShape: [null, 5408], params: 0, trainable: true },
  { name: 'dense1', type: 'Dense', outputShape: [null, 64], params: 346_176, trainable: true },
  { name: 'head', type: 'Dense', outputShape: [null, 5], params: 325, trainable: true },
];

describe('freeze logic', () => {
  it('toggles one layer on and off, keeping model order', () => {
    const once = toggleFrozen(seedCnn, ['dense1'], 'conv1');
    expect(once).toEqual(['conv1', 'dense1']);
    expect(toggleFrozen(seedCnn, once, 'conv1')).toEqual(['dense1']);
    expect(toggleFrozen(seedCnn, once, 'no-such-layer')).toEqual(['conv1', 'dense1']);
  });

  it('freezes every layer through the chosen one and none after it', () => {
    expect(freezeThrough(seedCnn, 'flatten')).toEqual(['conv1', 'pool1', 'flatten']);
    expect(freezeThrough(seedCnn, 'conv1')).toEqual(['conv1']);
    expect(freezeThrough(seedCnn, 'missing')).toEqual([]);
  });

  it('counts trainable and frozen parameters', () => {
    expect(parameterCounts(seedCnn, [])).toEqual({ total: 346_821, trainable: 346_821, frozen: 0 });
    expect(parameterCounts(seedCnn, ['conv1', 'dense1'])).toEqual({ total: 346_821, trainable: 325, frozen: 346_496 });
  });

  it('counts batch-norm moving statistics as never trainable', () => {
    const bn: LayerRow[] = [
      { name: 'bn1', type: 'BatchNormalization', outputShape: [null, 8], params: 32, trainable: true },
      { name: 'head', type: 'Dense', outputShape: [null, 2], params: 18, trainable: true },
    ];
    expect(parameterCounts(bn, [])).toEqual({ total: 50, trainable: 34, frozen: 16 });
    expect(parameterCounts(bn, ['bn1'])).toEqual({ total: 50, trainable: 18, frozen: 32 });
  });

  it('turns a choice into the spec: none, a prefix as through, otherwise the list', () => {
    expect(freezeSpecOf(seedCnn, [])).toBe('none');
    expect(freezeSpecOf(seedCnn, ['pool1', 'conv1'])).toEqual({ through: 'pool1' });
    expect(freezeSpecOf(seedCnn, ['dense1'])).toEqual({ layers: ['dense1'] });
  });

  it('refuses to freeze every layer with weights', () => {
    expect(freezeProblem(seedCnn, ['conv1', 'dense1'])).toBeNull();
    expect(freezeProblem(seedCnn, ['conv1', 'dense1', 'head'])).toMatch(/nothing would train/);
  });

  it('forces a new head when the class counts differ, and sizes it for the target', () => {
    expect(headMustBeReplaced(5, 5)).toBe(false);
    expect(headMustBeReplaced(5, 3)).toBe(true);
    const replaced = withReplacedHead(seedCnn, 3);
    expect(replaced.at(-1)).toMatchObject({ name: 'head', outputShape: [null, 3], params: 195 });
    expect(replaced.slice(0, -1)).toEqual(seedCnn.slice(0, -1));
  });
});

// Whether the feature pass overlaps decoding: by the machine's cores unless
// TRANSFER_LAB_OVERLAP_FEATURES says otherwise; a bad value is refused naming the variable.
import { describe, expect, it } from 'vitest';
import { MIN_CORES_TO_OVERLAP, overlapFeaturePass, overlapMode } from '../../../main/training/overlap-policy';

describe('overlap policy', () => {
  it('decodes first below the core count where overlapping pays, overlaps from it on', () => {
    expect(overlapFeaturePass('auto', 2)).toBe(false);
    expect(overlapFeaturePass('auto', MIN_CORES_TO_OVERLAP - 1)).toBe(false);
    expect(overlapFeaturePass('auto', MIN_CORES_TO_OVERLAP)).toBe(true);
    expect(overlapFeaturePass('auto', 16)).toBe(true);
  });

  it('follows TRANSFER_LAB_OVERLAP_FEATURES=on|off whatever the cores', () => {
    expect(overlapFeaturePass(overlapMode({ TRANSFER_LAB_OVERLAP_FEATURES: 'on' }), 2)).toBe(true);
    expect(overlapFeaturePass(overlapMode({ TRANSFER_LAB_OVERLAP_FEATURES: 'off' }), 16)).toBe(false);
    expect(overlapMode({})).toBe('auto');
    expect(overlapMode({ TRANSFER_LAB_OVERLAP_FEATURES: '' })).toBe('auto');
    expect(() => overlapMode({ TRANSFER_LAB_OVERLAP_FEATURES: 'yes' })).toThrow(/TRANSFER_LAB_OVERLAP_FEATURES must be on, off or auto, got "yes"/);
  });
});

// Feature-pass outputs in memory when small, in a file when large (feature-store.ts).
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createFeatureStore } from '../../../../../main/engine/data/datasets/feature-store';
import { samplesToArray } from '../../../../../main/engine/data/datasets/samples';

const featureFiles = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`transfer-lab-features-${process.pid}-`));

describe('feature store', () => {
  for (const [where, limit] of [['in memory', 1e9], ['on disk', 50]] as const) {
    it(`gives back the rows written out of order, ${where}`, () => {
      const store = createFeatureStore(5, 4, limit);
      expect(store.onDisk).toBe(where === 'on disk');
      store.write(3, Float32Array.from([30, 31, 32, 33, 40, 41, 42, 43]));
      store.write(0, Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]));
      expect(Array.from(samplesToArray(store.samples()))).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33, 40, 41, 42, 43]);
      store.dispose();
      expect(featureFiles()).toEqual([]);
    });
  }
});

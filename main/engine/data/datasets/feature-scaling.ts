// Z-score standardisation of tabular features with statistics from the training split only
// (so nothing about the test set leaks into training). Returned with the statistics, which
// a predictor must apply to new rows the same way.
import { DatasetError, type Dataset, type Split } from './dataset';
import { floatSamples, samplesToArray } from './samples';

export interface FeatureScaling {
  mean: Float32Array;
  std: Float32Array;
}

export function standardizeFeatures(ds: Dataset): { dataset: Dataset; scaling: FeatureScaling } {
  if (ds.inputShape.length !== 1) {
    throw new DatasetError(`${ds.description}: standardizeFeatures applies to tabular data, not shape [${ds.inputShape.join(', ')}]`);
  }
  const n = ds.inputShape[0];
  const count = ds.train.y.length;
  const train = samplesToArray(ds.train.x);
  const mean = new Float32Array(n);
  const std = new Float32Array(n);
  for (let f = 0; f < n; f++) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += train[i * n + f];
    const m = count ? sum / count : 0;
    let sq = 0;
    for (let i = 0; i < count; i++) sq += (train[i * n + f] - m) ** 2;
    mean[f] = m;
    // A constant column would divide by zero; centring it alone keeps it at 0.
    std[f] = count && sq > 0 ? Math.sqrt(sq / count) : 1;
  }
  const scaling = { mean, std };
  return { dataset: { ...ds, train: applyFeatureScaling(ds.train, scaling), test: applyFeatureScaling(ds.test, scaling) }, scaling };
}

export function applyFeatureScaling(split: Split, { mean, std }: FeatureScaling): Split {
  const n = mean.length;
  const x = samplesToArray(split.x);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean[i % n]) / std[i % n];
  return { ...split, x: floatSamples(x, n) };
}

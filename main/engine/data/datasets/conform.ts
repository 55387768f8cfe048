// Converts an already-loaded image dataset to the input shape a model expects, e.g. 28 × 28
// gray digits for a network built for 32 × 32 RGB (bilinear resize, gray ↔ RGB), per row as read.
import { DatasetError, sampleSize, type Dataset, type Split } from './dataset';
import { transformImage, type ImageShape } from './image-transform';
import { mapSamples } from './samples';

export function conformDataset(ds: Dataset, inputShape: readonly number[]): Dataset {
  const same = ds.inputShape.length === inputShape.length && ds.inputShape.every((d, i) => d === inputShape[i]);
  if (same) return ds;
  if (ds.inputShape.length !== 3 || inputShape.length !== 3) {
    throw new DatasetError(
      `${ds.description}: cannot convert samples of shape [${ds.inputShape.join(', ')}] to [${inputShape.join(', ')}]; only images ([height, width, channels]) can be resized`,
    );
  }
  const [, , c] = ds.inputShape;
  const [h, w, outC] = inputShape;
  if (!(c === outC || (c === 1 && outC === 3) || (c === 3 && outC === 1))) {
    throw new DatasetError(`${ds.description}: cannot convert ${c}-channel images to ${outC} channels (only 1 ↔ 3)`);
  }
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) {
    throw new DatasetError(`${ds.description}: target size ${h} × ${w} is not a positive whole number of pixels`);
  }
  const from = ds.inputShape as unknown as ImageShape;
  const to: ImageShape = [h, w, outC];
  // Converted row by row as batches are read: the dataset is not copied at the new size.
  const convert = (split: Split): Split => ({
    x: mapSamples(split.x, sampleSize(to), (src, dst, offset) => transformImage(src, from, to, dst, offset)),
    y: split.y,
    ids: split.ids,
  });
  return { ...ds, inputShape: [...to], train: convert(ds.train), test: convert(ds.test) };
}

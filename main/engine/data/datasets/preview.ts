// A quick look at a dataset for the wizard: counts per class and a few samples per class.
// Image samples are small PNG data URLs (made with sharp) so any face can show them with an
// <img> and no pixel handling; tabular samples carry their feature values instead.
import sharp from 'sharp';
import { sampleSize, type Dataset } from './dataset';

export type DatasetPreviewSample =
  | { classIndex: number; id: string; kind: 'image'; dataUrl: string }
  | { classIndex: number; id: string; kind: 'features'; values: number[] };

export interface DatasetPreview {
  description: string;
  classNames: string[];
  inputShape: number[];
  /** Samples per class, indexed like classNames. */
  counts: { train: number[]; test: number[] };
  /** Up to perClass training samples of each class, class by class. */
  samples: DatasetPreviewSample[];
  warnings: string[];
}

export const DEFAULT_PREVIEW_PER_CLASS = 4;

function countPerClass(y: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  return counts;
}

/** Encodes one [0, 1] float image (HWC, 1 or 3 channels) as a PNG data URL. */
export async function imageToPngDataUrl(x: Float32Array, [h, w, c]: readonly number[]): Promise<string> {
  const bytes = Buffer.alloc(h * w * c);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(x[i] * 255)));
  const png = await sharp(bytes, { raw: { width: w, height: h, channels: c as 1 | 3 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

export async function previewOf(ds: Dataset, perClass = DEFAULT_PREVIEW_PER_CLASS): Promise<DatasetPreview> {
  const classes = ds.classNames.length;
  const size = sampleSize(ds.inputShape);
  const isImage = ds.inputShape.length === 3;
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < ds.train.y.length; i++) {
    const list = picked[ds.train.y[i]];
    if (list.length < perClass) list.push(i);
  }
  const samples: DatasetPreviewSample[] = [];
  for (const [classIndex, indices] of picked.entries()) {
    for (const i of indices) {
      const x = new Float32Array(size);
      ds.train.x.read(i, x, 0);
      const id = ds.train.ids[i];
      samples.push(
        isImage
          ? { classIndex, id, kind: 'image', dataUrl: await imageToPngDataUrl(x, ds.inputShape) }
          : { classIndex, id, kind: 'features', values: Array.from(x) },
      );
    }
  }
  return {
    description: ds.description,
    classNames: ds.classNames,
    inputShape: ds.inputShape,
    counts: { train: countPerClass(ds.train.y, classes), test: countPerClass(ds.test.y, classes) },
    samples,
    warnings: ds.warnings,
  };
}

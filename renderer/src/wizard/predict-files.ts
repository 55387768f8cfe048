// Which of the files a person dropped on "Try it on new images" can be predicted, and why
// the others are skipped, in words about their files ("notes.txt is not an image").
export const PREDICT_TYPES = /^image\/(png|jpeg|webp|gif)$/;
export const MAX_PREDICT_FILES = 32;

export interface SkippedFile {
  name: string;
  reason: string;
}

export function partitionFiles<F extends { name: string; type: string }>(files: readonly F[]): { images: F[]; skipped: SkippedFile[] } {
  const images: F[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    if (!PREDICT_TYPES.test(file.type)) skipped.push({ name: file.name, reason: 'is not a PNG, JPEG, WebP or GIF image' });
    else if (images.length >= MAX_PREDICT_FILES) skipped.push({ name: file.name, reason: `is past the first ${MAX_PREDICT_FILES} images, which are predicted at once` });
    else images.push(file);
  }
  return { images, skipped };
}

/** The index of the image the core could not decode ("images[3] is not an image …"), or null. */
export function undecodableIndex(message: string): number | null {
  const match = /^images\[(\d+)\] is not an image/.exec(message);
  return match ? Number(match[1]) : null;
}

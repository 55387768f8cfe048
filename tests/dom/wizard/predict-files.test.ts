// "Try it on new images": which dropped files are predicted, and why others are skipped.
import { describe, expect, it } from 'vitest';
import { MAX_PREDICT_FILES, partitionFiles, undecodableIndex } from '../../../renderer/src/wizard/predict-files';
import { errorText, UserMistake } from '../../../renderer/src/wizard/error-text';

describe('partitionFiles', () => {
  it('keeps images and names each skipped file with the reason', () => {
    const files = [
      { name: 'x.txt', type: 'text/plain' },
      { name: 'a.png', type: 'image/png' },
      ...Array.from({ length: MAX_PREDICT_FILES }, (_, i) => ({ name: `b${i}.jpg`, type: 'image/jpeg' })),
    ];
    const { images, skipped } = partitionFiles(files);
    expect(images).toHaveLength(MAX_PREDICT_FILES);
    expect(skipped).toEqual([
      { name: 'x.txt', reason: 'is not a PNG, JPEG, WebP or GIF image' },
      { name: `b${MAX_PREDICT_FILES - 1}.jpg`, reason: `is past the first ${MAX_PREDICT_FILES} images, which are predicted at once` },
    ]);
  });

  it('finds which image the core could not decode', () => {
    expect(undecodableIndex('images[3] is not an image sharp can decode: bad header')).toBe(3);
    expect(undecodableIndex('run x not found')).toBeNull();
  });

  it("gives a person's mistake its own advice, never report it", () => {
    const text = errorText(new UserMistake('x.txt is not an image.', 'Choose PNG, JPEG, WebP or GIF files.'));
    expect(text).toEqual({ message: 'x.txt is not an image.', hint: 'Choose PNG, JPEG, WebP or GIF files.' });
  });
});

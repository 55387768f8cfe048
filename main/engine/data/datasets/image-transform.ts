// Per-image geometry and colour conversion on plain Float32Arrays (HWC, one image at a time),
// used when a loaded array (MNIST, IDX, CIFAR, shapes) must change size or channel count.
// Pure TypeScript so it runs the same in the worker, the CLI and tests without sharp.

export type ImageShape = readonly [height: number, width: number, channels: number];

/**
 * Bilinear resize with half-pixel centres (the convention of tf.image.resizeBilinear with
 * halfPixelCenters, and of most image libraries), so a resize does not shift content.
 */
export function resizeBilinear(
  src: ArrayLike<number>,
  [h, w, c]: ImageShape,
  outH: number,
  outW: number,
  dst: Float32Array = new Float32Array(outH * outW * c),
  dstOffset = 0,
  scale = 1,
): Float32Array {
  const sy = h / outH;
  const sx = w / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      const o = dstOffset + (y * outW + x) * c;
      const a = (y0 * w + x0) * c;
      const b = (y0 * w + x1) * c;
      const d = (y1 * w + x0) * c;
      const e = (y1 * w + x1) * c;
      for (let k = 0; k < c; k++) {
        const top = src[a + k] + (src[b + k] - src[a + k]) * wx;
        const bottom = src[d + k] + (src[e + k] - src[d + k]) * wx;
        dst[o + k] = (top + (bottom - top) * wy) * scale;
      }
    }
  }
  return dst;
}

/**
 * Gray → RGB repeats the gray value; RGB → gray uses the ITU-R BT.601 luma weights
 * (what PIL, OpenCV and tf.image.rgbToGrayscale use), so results match common tooling.
 */
export function convertChannels(
  src: ArrayLike<number>,
  pixels: number,
  from: number,
  to: number,
  dst: Float32Array = new Float32Array(pixels * to),
  dstOffset = 0,
  scale = 1,
): Float32Array {
  if (from === to) {
    for (let i = 0; i < pixels * from; i++) dst[dstOffset + i] = src[i] * scale;
  } else if (from === 1 && to === 3) {
    for (let p = 0; p < pixels; p++) {
      const v = src[p] * scale;
      const o = dstOffset + p * 3;
      dst[o] = v;
      dst[o + 1] = v;
      dst[o + 2] = v;
    }
  } else if (from === 3 && to === 1) {
    for (let p = 0; p < pixels; p++) {
      const i = p * 3;
      dst[dstOffset + p] = (0.299 * src[i] + 0.587 * src[i + 1] + 0.114 * src[i + 2]) * scale;
    }
  } else {
    throw new Error(`cannot convert images from ${from} to ${to} channels (only 1 ↔ 3)`);
  }
  return dst;
}

/**
 * Writes one image converted to `to` (size and channels) into dst at dstOffset, multiplying
 * every value by `scale` (1/255 turns bytes into [0, 1]). Both steps are linear, so their
 * order does not change the result; resizing the image with fewer channels is less work.
 */
export function transformImage(
  src: ArrayLike<number>,
  from: ImageShape,
  to: ImageShape,
  dst: Float32Array,
  dstOffset: number,
  scale = 1,
): void {
  const [h, w, c] = from;
  const [outH, outW, outC] = to;
  const sameSize = h === outH && w === outW;
  if (sameSize) {
    convertChannels(src, h * w, c, outC, dst, dstOffset, scale);
  } else if (c === outC) {
    resizeBilinear(src, from, outH, outW, dst, dstOffset, scale);
  } else if (outC < c) {
    const converted = convertChannels(src, h * w, c, outC, undefined, 0, scale);
    resizeBilinear(converted, [h, w, outC], outH, outW, dst, dstOffset);
  } else {
    const resized = resizeBilinear(src, from, outH, outW, undefined, 0, scale);
    convertChannels(resized, outH * outW, c, outC, dst, dstOffset);
  }
}

// The built-in 'shapes': a synthetic image set drawn from the experiment seed, so it needs
// no files and a different seed gives different (but equally hard) data. Each image is one
// shape of a random size, position and colour on a random background colour with a little
// pixel noise; the class is the kind of shape. Edges are anti-aliased by 2 × 2 supersampling.
// Colours differ in luminance by at least MIN_CONTRAST so every shape stays visible in gray.
import { createRng, type Rng } from '../../rng';
import type { SourceData } from './source-data';

export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'cross', 'ring', 'diamond'] as const;
export const SHAPES_DEFAULT_SIZE = 32;
export const SHAPES_PER_CLASS = 300;
const MIN_CONTRAST = 70;
/** Noise is uniform in ±NOISE (one draw per value keeps generation fast). */
const NOISE = 10;

type Inside = (dx: number, dy: number, r: number) => boolean;

/** Membership tests relative to the shape's centre; r is the half-extent. */
const INSIDE: Record<(typeof SHAPE_CLASSES)[number], Inside> = {
  circle: (dx, dy, r) => dx * dx + dy * dy <= r * r,
  square: (dx, dy, r) => Math.abs(dx) <= 0.8 * r && Math.abs(dy) <= 0.8 * r,
  // Apex at the top, base at 0.8r below the centre, so its area is close to the others'.
  triangle: (dx, dy, r) => dy >= -r && dy <= 0.8 * r && Math.abs(dx) <= (dy + r) / 1.8,
  cross: (dx, dy, r) => (Math.abs(dx) <= 0.28 * r && Math.abs(dy) <= r) || (Math.abs(dy) <= 0.28 * r && Math.abs(dx) <= r),
  ring: (dx, dy, r) => {
    const d2 = dx * dx + dy * dy;
    return d2 <= r * r && d2 >= 0.36 * r * r;
  },
  diamond: (dx, dy, r) => Math.abs(dx) + Math.abs(dy) <= r,
};

const luminance = (c: number[]) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];

function randomColour(rng: Rng): number[] {
  return [Math.floor(rng() * 256), Math.floor(rng() * 256), Math.floor(rng() * 256)];
}

function contrastingColours(rng: Rng): { bg: number[]; fg: number[] } {
  for (;;) {
    const bg = randomColour(rng);
    const fg = randomColour(rng);
    if (Math.abs(luminance(bg) - luminance(fg)) >= MIN_CONTRAST) return { bg, fg };
  }
}

/** Draws perClass images of each shape kind (classes interleaved) as height × width × 3 bytes. */
export function drawShapes(seed: number, height = SHAPES_DEFAULT_SIZE, width = SHAPES_DEFAULT_SIZE, perClass = SHAPES_PER_CLASS): { pixels: Uint8Array; labels: Int32Array } {
  const rng = createRng((seed ^ 0x51a9e5) >>> 0);
  const count = perClass * SHAPE_CLASSES.length;
  const size = height * width * 3;
  const pixels = new Uint8Array(count * size);
  const labels = new Int32Array(count);
  const side = Math.min(height, width);
  const sub = [0.25, 0.75];
  for (let n = 0; n < count; n++) {
    const label = n % SHAPE_CLASSES.length;
    labels[n] = label;
    const inside = INSIDE[SHAPE_CLASSES[label]];
    const { bg, fg } = contrastingColours(rng);
    const r = side * (0.18 + 0.17 * rng());
    const cx = r + rng() * (width - 2 * r);
    const cy = r + rng() * (height - 2 * r);
    const base = n * size;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let covered = 0;
        // Every shape lies within r of its centre; skipping pixels outside that box saves most tests.
        if (Math.abs(x + 0.5 - cx) <= r + 1 && Math.abs(y + 0.5 - cy) <= r + 1) {
          for (const oy of sub) for (const ox of sub) if (inside(x + ox - cx, y + oy - cy, r)) covered++;
        }
        const a = covered / 4;
        const o = base + (y * width + x) * 3;
        for (let k = 0; k < 3; k++) {
          const noise = (rng() * 2 - 1) * NOISE;
          pixels[o + k] = Math.max(0, Math.min(255, Math.round(bg[k] + (fg[k] - bg[k]) * a + noise)));
        }
      }
    }
  }
  return { pixels, labels };
}

/** Draws at the requested size directly (sharper than resizing a 32 × 32 drawing). */
export function loadBuiltinShapes(seed: number, imageSize?: [number, number]): SourceData {
  const [height, width] = imageSize ?? [SHAPES_DEFAULT_SIZE, SHAPES_DEFAULT_SIZE];
  const { pixels, labels } = drawShapes(seed, height, width);
  return {
    description: `Synthetic shapes (built-in, ${SHAPE_CLASSES.length} kinds, seed ${seed})`,
    classNames: [...SHAPE_CLASSES],
    shape: [height, width, 3],
    train: { values: pixels, labels, id: (i) => `shapes/${i}` },
    warnings: [],
  };
}

// The IDX format of MNIST-style files (http://yann.lecun.com/exdb/mnist/): a big-endian
// magic number (two zero bytes, a type byte, a dimension count), one uint32 per dimension,
// then the data. Only unsigned bytes (type 0x08) are used by image and label files.
import { DatasetError } from './dataset';
import { readDataFile, type DeclaredSize } from './binary-file';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  /** count × height × width bytes, row-major. */
  pixels: Uint8Array;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

function parseIdx(bytes: Uint8Array, file: string, magic: number, what: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new DatasetError(`${what} ${file} is too short (${bytes.length} bytes) to be an IDX file`);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new DatasetError(`${what} ${file} has IDX magic number ${hex(found)}, expected ${hex(magic)}`);
  }
  const rank = magic & 0xff;
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) {
    throw new DatasetError(`${what} ${file} is truncated: its header needs ${headerSize} bytes, the file has ${bytes.length}`);
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = headerSize + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    throw new DatasetError(
      `${what} ${file} has ${bytes.length} bytes, expected ${expected} for dimensions ${dims.join(' × ')}`,
    );
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/** Parses IDX image bytes (already unzipped); `file` names the source in errors. */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const { dims, data } = parseIdx(bytes, file, IDX_IMAGES_MAGIC, 'IDX images file');
  const [count, height, width] = dims;
  if (height === 0 || width === 0) {
    throw new DatasetError(`IDX images file ${file} has images of ${height} × ${width} pixels`);
  }
  return { count, height, width, pixels: data };
}

/** Parses IDX label bytes (already unzipped); `file` names the source in errors. */
export function parseIdxLabels(bytes: Uint8Array, file: string): Uint8Array {
  return parseIdx(bytes, file, IDX_LABELS_MAGIC, 'IDX labels file').data;
}

/**
 * The size an IDX file's header declares (header + product of its dimensions), so a file
 * whose size does not match is refused before it is read, and a gzip is never unzipped past it.
 */
function idxDeclaredSize(magic: number): DeclaredSize {
  const rank = magic & 0xff;
  const headerBytes = 4 + 4 * rank;
  return {
    headerBytes,
    size(header) {
      const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
      if (view.getUint32(0) !== magic) return null; // parseIdx names the wrong magic number
      const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
      return { bytes: headerBytes + dims.reduce((a, b) => a * b, 1), because: `for dimensions ${dims.join(' × ')}` };
    },
  };
}

/** Reads an IDX images/labels pair (each gzipped or raw) and checks the counts agree. */
export async function readIdxPair(imagesFile: string, labelsFile: string): Promise<{ images: IdxImages; labels: Uint8Array }> {
  const [imageBytes, labelBytes] = await Promise.all([
    readDataFile(imagesFile, 'IDX images file', idxDeclaredSize(IDX_IMAGES_MAGIC)),
    readDataFile(labelsFile, 'IDX labels file', idxDeclaredSize(IDX_LABELS_MAGIC)),
  ]);
  const images = parseIdxImages(imageBytes, imagesFile);
  const labels = parseIdxLabels(labelBytes, labelsFile);
  if (images.count !== labels.length) {
    throw new DatasetError(
      `IDX images file ${imagesFile} holds ${images.count} images but labels file ${labelsFile} holds ${labels.length} labels`,
    );
  }
  return { images, labels };
}

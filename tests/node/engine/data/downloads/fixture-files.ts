// Files the download tests serve: gzipped IDX pairs, a CIFAR-10 binary .tar.gz made with the
// system's tar, a hand-built tar entry (for what tar itself refuses to write), and a tiny
// TF.js layers model shaped like Keras' MobileNet (conv → bn → relu6 → depthwise → pointwise
// → global average pooling → reshape → dropout → 1 × 1 conv → softmax → reshape), its weights
// split over two shards as the TF.js converter does.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { saveModel } from '../../../../../main/engine/model/io';
import { cifarBatchBytes, idxImagesBytes, idxLabelsBytes } from '../../../../fixtures/dataset-files';

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Bytes following a formula, so a file pieced together from parts can be checked exactly. */
export function patternBytes(length: number, salt = 0): Buffer {
  const buf = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buf[i] = (i * 31 + salt + (i >> 8)) & 0xff;
  return buf;
}

/** The four gzipped IDX files of an MNIST-style set: `train` and `test` samples of h × w, labels cycling 0..9. */
export function idxSetFiles(train: number, test: number, side = 28): Record<string, Buffer> {
  const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 10);
  return {
    'train-images-idx3-ubyte.gz': zlib.gzipSync(idxImagesBytes(train, side, side)),
    'train-labels-idx1-ubyte.gz': zlib.gzipSync(idxLabelsBytes(labels(train))),
    't10k-images-idx3-ubyte.gz': zlib.gzipSync(idxImagesBytes(test, side, side)),
    't10k-labels-idx1-ubyte.gz': zlib.gzipSync(idxLabelsBytes(labels(test))),
  };
}

/**
 * The system's tar: GNU tar on Linux, bsdtar (libarchive) on macOS and Windows. On Windows it
 * is named by its full path, since Git's GNU tar may come first on the PATH there and reads
 * "C:" in an archive path as a remote host. `gnuFormat` is what each calls the GNU format.
 * `run` sets COPYFILE_DISABLE so macOS's tar adds no "._name" entries for extended attributes.
 */
export function systemTar(): { gnuFormat: string; run: (args: string[]) => void } {
  const command = process.platform === 'win32' ? path.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'tar.exe') : 'tar';
  const version = execFileSync(command, ['--version'], { encoding: 'utf8' });
  return {
    gnuFormat: /bsdtar/.test(version) ? 'gnutar' : 'gnu',
    run: (args) => void execFileSync(command, args, { env: { ...process.env, COPYFILE_DISABLE: '1' } }),
  };
}

/** cifar-10-binary.tar.gz as the real one is laid out (cifar-10-batches-bin/…), built with `tar`. */
export function cifarArchive(workDir: string, perBatch: number): Buffer {
  const folder = path.join(workDir, 'cifar-10-batches-bin');
  fs.mkdirSync(folder, { recursive: true });
  const labels = (n: number, shift: number) => Array.from({ length: n }, (_, i) => (i + shift) % 10);
  for (let b = 1; b <= 5; b++) fs.writeFileSync(path.join(folder, `data_batch_${b}.bin`), cifarBatchBytes(labels(perBatch, b)));
  fs.writeFileSync(path.join(folder, 'test_batch.bin'), cifarBatchBytes(labels(perBatch, 0)));
  fs.writeFileSync(path.join(folder, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n');
  const archive = path.join(workDir, 'cifar-10-binary.tar.gz');
  systemTar().run(['-czf', archive, '-C', workDir, 'cifar-10-batches-bin']);
  return fs.readFileSync(archive);
}

/** One ustar entry (header + padded body), for archives `tar` will not write (e.g. "../" names). */
export function tarEntry(name: string, body: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding]);
}

export const FIXTURE_FEATURES = 8;
export const FIXTURE_IMAGENET_CLASSES = 5;

/** A MobileNet-shaped functional model with seeded weights (not trained: the tests compare numbers, not accuracy). */
export function mobilenetLikeModel(inputSide = 16): tf.LayersModel {
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [inputSide, inputSide, 3], name: 'input_1' });
  let x = tf.layers.conv2d({ name: 'conv1', filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: seeded(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'conv1_bn', movingMeanInitializer: tf.initializers.constant({ value: 0.1 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'conv1_relu', maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ name: 'conv_dw_1', kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: seeded(2) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'conv_dw_1_relu', maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'conv_pw_1', filters: FIXTURE_FEATURES, kernelSize: 1, useBias: false, kernelInitializer: seeded(3) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'conv_pw_1_relu', maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ name: 'reshape_1', targetShape: [1, 1, FIXTURE_FEATURES] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: 'dropout', rate: 0.001 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'conv_preds', filters: FIXTURE_IMAGENET_CLASSES, kernelSize: 1, kernelInitializer: seeded(4) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: 'act_softmax', activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ name: 'reshape_2', targetShape: [FIXTURE_IMAGENET_CLASSES] }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'mobilenet_like' });
}

/** The model's files as the TF.js converter publishes them: model.json + group1-shard1of2, group1-shard2of2. */
export async function publishedModelFiles(model: tf.LayersModel, workDir: string): Promise<Record<string, Buffer>> {
  const folder = path.join(workDir, 'published-model');
  await saveModel(model, folder);
  const json = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const weights = fs.readFileSync(path.join(folder, 'weights.bin'));
  const cut = Math.floor(weights.length / 2);
  json.weightsManifest[0].paths = ['group1-shard1of2', 'group1-shard2of2'];
  return {
    'model.json': Buffer.from(JSON.stringify(json)),
    'group1-shard1of2': weights.subarray(0, cut),
    'group1-shard2of2': weights.subarray(cut),
  };
}

/** `files` served under `/<name>/…`, as a mirror (TRANSFER_LAB_DOWNLOAD_BASE) lays them out. */
export function underName(name: string, files: Record<string, Buffer>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(files).map(([file, bytes]) => [`/${name}/${file}`, bytes]));
}

import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOWNLOAD_BASE_ENV, DownloadError, INPUT_SCALING_LAYER, loadPretrained } from '../../../../../main/engine/data/downloads';
import { headUnits, layerNames, loadModel } from '../../../../../main/engine/model';
import { parseExperimentSpec } from '@contract/spec';
import { runJob } from '../../../../../main/training/run-job';
import type { FromWorker } from '../../../../../main/training/protocol';
import { idxImagesBytes, idxLabelsBytes, makeTempDir, writeFile } from '../../../../fixtures/dataset-files';
import { randomBatch } from '../../model/tiny-batches';
import { startFixtureServer, type FixtureServer } from './fixture-server';
import { FIXTURE_FEATURES, FIXTURE_IMAGENET_CLASSES, mobilenetLikeModel, publishedModelFiles, underName } from './fixture-files';

const NAME = 'mobilenet-v1-0.25';
const temp = makeTempDir('transfer-lab-pretrained-');
let server: FixtureServer;
let published: tf.LayersModel;
let modelFiles: Record<string, Buffer>;
let dataFolder: string;
let folders = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
  published = mobilenetLikeModel();
  modelFiles = await publishedModelFiles(published, temp.dir);
  server = await startFixtureServer(underName(NAME, modelFiles));
});
afterAll(async () => {
  await server.close();
  temp.remove();
});
beforeEach(() => {
  server.requests.length = 0;
  dataFolder = path.join(temp.dir, `data-${++folders}`);
});
afterEach(() => {
  delete process.env[DOWNLOAD_BASE_ENV];
});

describe('loadPretrained', () => {
  it('downloads model.json and every weight shard it lists into the cache, then loads it offline', async () => {
    const model = await loadPretrained(NAME, { dataFolder, download: { baseUrl: server.url } });
    expect(server.requests.map((r) => r.path)).toEqual(['model.json', 'group1-shard1of2', 'group1-shard2of2'].map((f) => `/${NAME}/${f}`));
    expect(headUnits(model)).toBe(FIXTURE_IMAGENET_CLASSES);
    const x = randomBatch(2, [16, 16, 3], 3);
    const same = tf.sub(model.predict(x) as tf.Tensor, published.predict(x) as tf.Tensor).abs().max().dataSync()[0];
    expect(same).toBeLessThan(1e-6);

    server.requests.length = 0;
    await loadPretrained(NAME, { dataFolder, download: { baseUrl: server.url } });
    expect(server.requests).toEqual([]);
  });

  it('with numClasses: cuts at global average pooling, scales [0, 1] input to [-1, 1], and adds a fresh head', async () => {
    const model = await loadPretrained(NAME, { dataFolder, download: { baseUrl: server.url }, numClasses: 3, seed: 7 });
    const names = layerNames(model);
    expect(names[0]).toBe(INPUT_SCALING_LAYER);
    expect(names.slice(-2)).toEqual(['global_average_pooling2d_1', 'head']);
    expect(names).not.toContain('conv_preds');
    expect(headUnits(model)).toBe(3);

    // Features equal the published network's on the same pixels mapped to [-1, 1].
    const x = randomBatch(3, [16, 16, 3], 11).clipByValue(0, 1);
    const features = tf.model({ inputs: model.inputs, outputs: model.getLayer('global_average_pooling2d_1').output as tf.SymbolicTensor });
    const reference = tf.model({ inputs: published.inputs, outputs: published.getLayer('global_average_pooling2d_1').output as tf.SymbolicTensor });
    const ours = features.predict(x) as tf.Tensor;
    const theirs = reference.predict(x.mul(2).sub(1)) as tf.Tensor;
    expect(ours.shape).toEqual([3, FIXTURE_FEATURES]);
    expect(tf.sub(ours, theirs).abs().max().dataSync()[0]).toBeLessThan(1e-5);
    expect(theirs.abs().max().dataSync()[0]).toBeGreaterThan(0);
  });

  it('rejects weight shards that do not add up to what model.json describes, and deletes them', async () => {
    const shortServer = await startFixtureServer(
      underName(NAME, { ...modelFiles, 'group1-shard2of2': modelFiles['group1-shard2of2'].subarray(4) }),
    );
    try {
      const error = await loadPretrained(NAME, { dataFolder, download: { baseUrl: shortServer.url } }).catch((e: unknown) => e);
      expect((error as DownloadError).code).toBe('checksum');
      const total = modelFiles['group1-shard1of2'].length + modelFiles['group1-shard2of2'].length;
      expect((error as Error).message).toContain(`hold ${total - 4} bytes but model.json describes ${total}`);
      expect(fs.readdirSync(path.join(dataFolder, 'cache', NAME))).toEqual([]);
    } finally {
      await shortServer.close();
    }
  });

  it('refuses a model.json whose weight paths point outside its folder', async () => {
    const json = JSON.parse(modelFiles['model.json'].toString()) as { weightsManifest: { paths: string[] }[] };
    json.weightsManifest[0].paths = ['../escape.bin'];
    const evilServer = await startFixtureServer(underName(NAME, { 'model.json': Buffer.from(JSON.stringify(json)) }));
    try {
      await expect(loadPretrained(NAME, { dataFolder, download: { baseUrl: evilServer.url } })).rejects.toThrow(
        /weight file "\.\.\/escape\.bin" is not a plain file name/,
      );
      expect(evilServer.requests).toHaveLength(1);
    } finally {
      await evilServer.close();
    }
  });

  it("trains end to end in a job: { pretrained } source on 28 × 28 gray digits, head 'replace' on a 2-class target", async () => {
    process.env[DOWNLOAD_BASE_ENV] = server.url;
    const labels = (n: number, k: number) => Array.from({ length: n }, (_, i) => i % k);
    const files = (name: string, n: number, k: number) => ({
      kind: 'idx' as const,
      images: writeFile(path.join(temp.dir, name, 'images.gz'), idxImagesBytes(n, 28, 28), true),
      labels: writeFile(path.join(temp.dir, name, 'labels.gz'), idxLabelsBytes(labels(n, k)), true),
    });
    const spec = parseExperimentSpec({
      name: 'pretrained transfer',
      seed: 4,
      backend: 'cpu',
      source: { dataset: files('source', 24, 3), model: { pretrained: NAME }, training: { epochs: 1, batchSize: 8, validationSplit: 0 } },
      target: {
        dataset: files('target', 16, 2),
        head: 'replace',
        freeze: 'all-but-head',
        training: { epochs: 1, batchSize: 8, validationSplit: 0 },
      },
    });
    const runDir = (role: string) => path.join(dataFolder, 'runs', role);
    const messages: FromWorker[] = [];
    await runJob(
      {
        experimentId: 'e1',
        spec,
        phases: [
          { role: 'source', runId: 'source-run', runDir: runDir('source') },
          { role: 'target', runId: 'target-run', runDir: runDir('target') },
        ],
        dataFolder,
        appVersion: 'test',
      },
      (m) => messages.push(m),
      () => false,
    );
    const finished = messages.filter((m) => m.type === 'phase-finished');
    expect(finished.map((m) => [m.runId, m.status])).toEqual([
      ['source-run', 'completed'],
      ['target-run', 'completed'],
    ]);
    const started = messages.filter((m) => m.type === 'phase-started');
    expect(started.map((m) => m.dataset.inputShape)).toEqual([
      [16, 16, 3],
      [16, 16, 3],
    ]);
    expect(started[1].frozenLayers).toContain('conv_pw_1');
    expect(started[1].frozenLayers).not.toContain('head');
    expect(server.requests.length).toBe(3);

    const source = await loadModel(path.join(runDir('source'), 'model'));
    const target = await loadModel(path.join(runDir('target'), 'model'));
    expect(headUnits(source)).toBe(3);
    expect(headUnits(target)).toBe(2);
    // Frozen: the target's feature layers are the source's, unchanged by target training.
    const weightsOf = (m: tf.LayersModel) => m.getLayer('conv_pw_1').getWeights()[0].dataSync();
    expect(Array.from(weightsOf(target))).toEqual(Array.from(weightsOf(source)));
    expect(layerNames(target)[0]).toBe(INPUT_SCALING_LAYER);
  });
});

import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../../main/engine/model/architectures';
import { saveModel, loadModel } from '../../../../main/engine/model/io';
import { layerNames } from '../../../../main/engine/model/layer-stack';
import { ModelError } from '../../../../main/engine/model/model-error';
import { cyclingLabels, fitBriefly, maxAbsDifference, randomBatch } from './tiny-batches';

let root: string;
let saved: string;
let model: tf.LayersModel;
const x = randomBatch(4, [8, 8, 1], 21);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'transfer-lab-models-'));
  model = buildModel('small-cnn', [8, 8, 1], 3, 4);
  // Trained briefly so batchnorm moving statistics are part of what must survive the round trip.
  await fitBriefly(model, randomBatch(8, [8, 8, 1], 5), cyclingLabels(8, 3), 1);
  saved = path.join(root, 'saved', 'nested');
  await saveModel(model, saved);
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function copyOfSaved(name: string): Promise<string> {
  const folder = path.join(root, name);
  await fs.cp(saved, folder, { recursive: true });
  return folder;
}

describe('saveModel', () => {
  it('writes model.json and weights.bin in the TF.js layers format, leaving no temporary files', async () => {
    expect((await fs.readdir(saved)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await fs.readFile(path.join(saved, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    expect(names).toContain('bn1/moving_mean');
    const bytes = (await fs.stat(path.join(saved, 'weights.bin'))).size;
    expect(bytes).toBe(model.countParams() * 4);
  });
});

describe('loadModel', () => {
  it('round-trips: same layer names and identical predictions, from a folder, a model.json path or a file:// URL', async () => {
    const expected = model.predict(x) as tf.Tensor;
    for (const where of [saved, path.join(saved, 'model.json'), pathToFileURL(saved).href]) {
      const loaded = await loadModel(where);
      expect(layerNames(loaded)).toEqual(layerNames(model));
      expect(maxAbsDifference(loaded.predict(x) as tf.Tensor, expected), where).toBe(0);
    }
  });

  it('saves over an existing model', async () => {
    const folder = await copyOfSaved('overwrite');
    const other = buildModel('small-cnn', [8, 8, 1], 3, 77);
    await saveModel(other, folder);
    const loaded = await loadModel(folder);
    expect(maxAbsDifference(loaded.predict(x) as tf.Tensor, other.predict(x) as tf.Tensor)).toBe(0);
    expect((await fs.readdir(folder)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('loads over http', async () => {
    const server = http.createServer((request, response) => {
      // Serves the saved folder at the server's root and nothing else.
      const name = (request.url ?? '').slice(1);
      const served = name === 'model.json' || name === 'weights.bin';
      (served ? fs.readFile(path.join(saved, name)) : Promise.reject(new Error('not served'))).then(
        (data) => response.end(data),
        () => {
          response.statusCode = 404;
          response.end();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const loaded = await loadModel(`http://127.0.0.1:${port}/model.json`);
      expect(maxAbsDifference(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)).toBe(0);
      await expect(loadModel(`http://127.0.0.1:${port}/missing/model.json`)).rejects.toThrow(
        new RegExp(`cannot load model from http://127\\.0\\.0\\.1:${port}/missing/model\\.json`),
      );
    } finally {
      server.close();
    }
  });

  it('names the missing path, folder or model.json', async () => {
    const nowhere = path.join(root, 'nowhere');
    await expect(loadModel(nowhere)).rejects.toThrow(ModelError);
    await expect(loadModel(nowhere)).rejects.toThrow(`model not found: ${nowhere} does not exist`);
    const empty = path.join(root, 'empty');
    await fs.mkdir(empty);
    await expect(loadModel(empty)).rejects.toThrow(`${path.join(empty, 'model.json')} is missing`);
  });

  it('names a missing weights file', async () => {
    const folder = await copyOfSaved('no-weights');
    await fs.rm(path.join(folder, 'weights.bin'));
    await expect(loadModel(folder)).rejects.toThrow(
      `weights file ${path.join(folder, 'weights.bin')} (listed in ${path.join(folder, 'model.json')}) is missing`,
    );
  });

  it('names a model.json that is not JSON or not a layers model', async () => {
    const folder = await copyOfSaved('bad-json');
    const jsonPath = path.join(folder, 'model.json');
    await fs.writeFile(jsonPath, '{"modelTopology": ');
    await expect(loadModel(folder)).rejects.toThrow(`${jsonPath} is not valid JSON`);
    await fs.writeFile(jsonPath, JSON.stringify({ weightsManifest: [] }));
    await expect(loadModel(folder)).rejects.toThrow(`${jsonPath} has no modelTopology object`);
    await fs.writeFile(jsonPath, JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }));
    await expect(loadModel(folder)).rejects.toThrow(/is a TF.js graph model/);
  });

  it('names weights that do not match the manifest, and refuses paths outside the folder', async () => {
    const folder = await copyOfSaved('short-weights');
    const weightsPath = path.join(folder, 'weights.bin');
    const full = await fs.readFile(weightsPath);
    await fs.writeFile(weightsPath, full.subarray(0, full.length - 8));
    await expect(loadModel(folder)).rejects.toThrow(
      `weights files of ${path.join(folder, 'model.json')} hold ${full.length - 8} bytes but its weightsManifest describes ${full.length}`,
    );

    const jsonPath = path.join(folder, 'model.json');
    const json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
    json.weightsManifest[0].paths = ['../no-weights/weights.bin'];
    await fs.writeFile(jsonPath, JSON.stringify(json));
    await expect(loadModel(folder)).rejects.toThrow(/lists weights file "\.\.\/no-weights\/weights\.bin" outside its folder/);
    // Windows' drive-relative and root-relative forms are refused on every OS.
    for (const listed of ['D:weights.bin', 'C:\\weights.bin', '\\weights.bin', '..\\weights.bin', 'sub\\..\\..\\weights.bin']) {
      json.weightsManifest[0].paths = [listed];
      await fs.writeFile(jsonPath, JSON.stringify(json));
      await expect(loadModel(folder), listed).rejects.toThrow(`lists weights file "${listed}" outside its folder`);
    }
  });
});

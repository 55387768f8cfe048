// The WebGPU backend through dawn.node: on CI it runs on Mesa's software Vulkan driver
// (lavapipe, adapter "llvmpipe"), which 'auto' must pass over and `backend: "webgpu"` must use.
// Without any adapter these tests skip, unless TRANSFER_LAB_REQUIRE_WEBGPU=1 (set by .ci/run
// on Linux, where it installs lavapipe) makes a missing adapter a failure.
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { describeAdapter, probeWebgpuAdapter } from '../../../../main/engine/accel/webgpu';
import { buildModel } from '../../../../main/engine/model';
import { planParallelism } from '../../../../main/engine/training/step-runner';

const adapter = await probeWebgpuAdapter();
const required = process.env.TRANSFER_LAB_REQUIRE_WEBGPU === '1';

describe('describeAdapter', () => {
  const limits = { maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31 };
  it('takes a discrete GPU for hardware and reads the driver from the description', () => {
    const a = describeAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA: 570.124.06 570.124.6.0' }, limits });
    expect(a).toMatchObject({ vendor: 'nvidia', architecture: 'hopper', driver: '570.124.06 570.124.6.0', software: false });
    expect(a.limits).toEqual(limits);
  });
  it.each([
    ['llvmpipe: Mesa 25.0.7', 'mesa', '', /Mesa's CPU rasteriser/],
    ['SwiftShader Device (Subzero)', 'google', '', /SwiftShader/],
    ['Microsoft Basic Render Driver', 'microsoft', '', /WARP/],
    ['Some GPU', 'acme', 'software', /architecture is 'software'/],
  ])('takes %s for a software adapter', (description, vendor, architecture, reason) => {
    const a = describeAdapter({ info: { vendor, architecture, description }, limits });
    expect(a.software).toBe(true);
    expect(a.softwareReason).toMatch(reason);
  });
  it('takes a fallback adapter for software whatever its name', () => {
    expect(describeAdapter({ info: { vendor: 'x', description: 'y', isFallbackAdapter: true }, limits }).software).toBe(true);
  });
});

describe.skipIf(!adapter && !required)('webgpu on this machine', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('finds an adapter (required on CI)', () => {
    expect(adapter, 'no WebGPU adapter: is mesa-vulkan-drivers ≥ 25 installed?').toBeDefined();
  });

  it('backend "webgpu" uses the adapter, software or not, and records it', async () => {
    const choice = await selectBackend('webgpu');
    expect(choice).toMatchObject({ name: 'webgpu', requested: 'webgpu', skipped: [] });
    expect(tf.getBackend()).toBe('webgpu');
    expect(choice.gpuAdapter).toEqual(adapter);
    expect(choice.gpuAdapter!.limits.maxBufferSize).toBeGreaterThan(0);
    expect(choice.gpuAdapter!.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(choice.notes.join('\n')).toMatch(/WebGPU adapter: .*max buffer/);
    // It computes: a convolution gradient read back asynchronously.
    const grad = tf.tidy(() => tf.grad((f: tf.Tensor) => tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').sum())(tf.zeros([3, 3, 1, 1])));
    expect(Array.from(await grad.data())).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4]);
    grad.dispose();
  });

  it('doctor names the adapter, its driver and its limits', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-webgpu-doctor-'));
    try {
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [path.resolve('bin/transfer-lab.js'), 'doctor'], { env: { ...process.env, TRANSFER_LAB_HOME: home }, timeout: 60_000 }, (err, out) => (err ? reject(err) : resolve(out)));
      });
      expect(stdout).toContain(`gpu adapter  ${adapter!.vendor}`);
      expect(stdout).toContain(adapter!.description);
      expect(stdout).toMatch(new RegExp(`driver .+; maxBufferSize ${adapter!.limits.maxBufferSize}, maxStorageBufferBindingSize ${adapter!.limits.maxStorageBufferBindingSize}`));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it.skipIf(adapter?.software === false)('auto passes over a software adapter and says why', async () => {
    const choice = await selectBackend('auto');
    expect(choice.name).not.toBe('webgpu');
    const skip = choice.skipped.find((s) => s.backend === 'webgpu');
    expect(skip?.reason).toMatch(/only a software adapter was found \(.+\); 'auto' uses hardware GPUs only/);
  });
});

describe('step planning on webgpu', () => {
  it('never plans the wasm-only data-parallel threads or dense trainer for it', () => {
    const dense = buildModel('mlp', [8, 8, 1], 3, 1);
    const conv = buildModel('seed-cnn', [8, 8, 1], 3, 1);
    for (const model of [dense, conv]) {
      // The same inputs plan a dense or data-parallel step on wasm.
      expect(planParallelism(model, 4, 'wasm', { batchSize: 64, optimizer: 'adam' }).kind).not.toBe('local');
      expect(planParallelism(model, 4, 'webgpu', { batchSize: 64, optimizer: 'adam' })).toEqual({ kind: 'local', threads: 1, workers: 0, description: 'training on the webgpu backend' });
    }
    dense.dispose();
    conv.dispose();
  });
});

// The Vulkan loader reads its driver list from these variables, so a child process can be
// given none: that is "no adapter" on Linux. (Other platforms use Metal or Direct3D.)
describe.skipIf(process.platform !== 'linux')('without any GPU driver (Vulkan drivers hidden)', () => {
  const bin = path.resolve('bin/transfer-lab.js');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-webgpu-'));
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
  const noDrivers = { VK_ICD_FILENAMES: path.join(home, 'none.json'), VK_DRIVER_FILES: path.join(home, 'none.json'), TRANSFER_LAB_HOME: home };

  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [bin, ...args], { env: { ...process.env, ...noDrivers }, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }

  it('doctor says webgpu was skipped for want of an adapter', async () => {
    const { code, stdout } = await cli(['doctor']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/skipped webgpu: no WebGPU adapter/);
  });

  it('a run that asks for webgpu fails at once with that reason', async () => {
    const spec = path.join(home, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify({
      name: 'webgpu without a GPU',
      backend: 'webgpu',
      source: { dataset: { kind: 'builtin', name: 'shapes', limitPerClass: 4 }, model: { architecture: 'mlp' }, training: { epochs: 1 } },
    }));
    const { code, stderr } = await cli(['run', spec]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/backend 'webgpu' is unavailable: no WebGPU adapter/);
  });
});

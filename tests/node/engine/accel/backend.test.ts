import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, environmentInfo, selectBackend } from '../../../../main/engine/accel/backend';
import { registerWasmTrainingKernels } from '../../../../main/engine/accel/kernels';
import { probeWebgpuAdapter } from '../../../../main/engine/accel/webgpu';

// The native tfjs packages are optional dependencies; on this project's reference machines
// they do not install. Tests that depend on their absence say so and skip where present.
function installed(pkg: string): boolean {
  try {
    createRequire(__filename).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
const nativeAbsent = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu');
// 'auto' takes a hardware WebGPU adapter before wasm; CI and the reference machines have none.
const hardwareGpu = (await probeWebgpuAdapter())?.software === false;

describe('selectBackend', () => {
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it.skipIf(!nativeAbsent || hardwareGpu)('auto picks wasm and records why the native packages and webgpu were skipped', async () => {
    const choice = await selectBackend('auto');
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.requested).toBe('auto');
    expect(choice.skipped).toEqual([
      { backend: 'tensorflow-gpu', reason: 'not installed' },
      { backend: 'webgpu', reason: expect.stringMatching(/^(no WebGPU adapter|only a software adapter was found)/) },
      { backend: 'tensorflow', reason: 'not installed' },
    ]);
    expect(choice.tfjsVersion).toBe(tf.version.tfjs);
    expect(choice.threads).toBe(1);
    expect(choice.notes.join('\n')).toMatch(/Conv2DBackpropFilter/);
  });

  it('cpu works when asked for and skips nothing', async () => {
    const choice = await selectBackend('cpu');
    expect(choice).toMatchObject({ name: 'cpu', requested: 'cpu', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0])).toBe(5);
  });

  it('wasm works when asked for and can run a convolution gradient', async () => {
    const choice = await selectBackend('wasm');
    expect(choice).toMatchObject({ name: 'wasm', requested: 'wasm', skipped: [] });
    const grad = tf.tidy(() =>
      tf.grad((f: tf.Tensor) => tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').sum())(tf.zeros([3, 3, 1, 1])).dataSync(),
    );
    // Each filter tap sees 2x2 output positions of an all-ones input.
    expect(Array.from(grad)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4]);
  });

  it.skipIf(!nativeAbsent)('requesting tensorflow errors, naming the backend and why', async () => {
    const attempt = selectBackend('tensorflow');
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(attempt).rejects.toThrow("backend 'tensorflow' is unavailable: not installed");
  });

  it.skipIf(!nativeAbsent)('requesting tensorflow-gpu errors the same way', async () => {
    await expect(selectBackend('tensorflow-gpu')).rejects.toThrow("backend 'tensorflow-gpu' is unavailable: not installed");
  });

  it('rejects an unknown backend name', async () => {
    await expect(selectBackend('vulkan' as never)).rejects.toThrow(/backend 'vulkan' is unavailable: unknown backend/);
  });

  it('registers the wasm training kernels once, however often it runs', async () => {
    await selectBackend('wasm');
    const first = tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc;
    const names = registerWasmTrainingKernels();
    await selectBackend('wasm');
    expect(registerWasmTrainingKernels()).toEqual(names);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(first);
    expect(names).toEqual(
      expect.arrayContaining(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'MaxPoolGrad']),
    );
  });
});

describe('environmentInfo', () => {
  it('describes this machine', () => {
    const info = environmentInfo();
    expect(info.cpuCount).toBe(os.cpus().length);
    expect(info.memoryBytes).toBe(os.totalmem());
    expect(info.arch).toBe(process.arch);
    expect(info.nodeVersion).toBe(process.versions.node);
    expect(info.tfjsVersion).toBe(tf.version.tfjs);
    expect(info.os).toContain(process.platform);
    expect(info.cpu.length).toBeGreaterThan(0);
  });
});

// Prints the WebGPU adapter Dawn finds here as one JSON line (exit 0; 2 when it is a CPU
// rasteriser such as llvmpipe, so run.sh can still try NVIDIA's driver), or says there is none (exit 1).
// Copied into the device pack's app/ (scripts/device/pack.mjs), where 'webgpu' resolves from
// the pack's node_modules; run.sh calls it before the benches to set up and report Vulkan.
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const timeout = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer from requestAdapter in ${ms / 1000} s`)), ms).unref());
try {
  const adapter = await Promise.race([create([]).requestAdapter({ powerPreference: 'high-performance' }), timeout(30_000)]);
  if (!adapter) {
    console.log('no WebGPU adapter: Dawn found no Vulkan driver');
    process.exit(1);
  }
  const { vendor, architecture, device, description } = adapter.info;
  const software = architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(`${device} ${description}`);
  console.log(JSON.stringify({ vendor, architecture, device, description, software, maxBufferSize: adapter.limits.maxBufferSize, features: [...adapter.features] }));
  process.exit(software ? 2 : 0);
} catch (err) {
  console.log(`WebGPU adapter request failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

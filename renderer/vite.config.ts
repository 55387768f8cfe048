import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

// The renderer is a static bundle: Electron serves it through the app:// protocol and
// browser mode serves it over loopback HTTP. `base: './'` keeps asset URLs relative so
// both work from the same build.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte()],
  // The contract, imported as @contract like everywhere else (tsconfig.base.json's paths).
  resolve: { alias: { '@contract': fileURLToPath(new URL('../contract', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});

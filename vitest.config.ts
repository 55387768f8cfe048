import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

// The contract, imported as @contract like everywhere else (tsconfig.base.json's paths).
const alias = { '@contract': fileURLToPath(new URL('./contract', import.meta.url)) };

// Four test projects, all run by `npm test`:
//  node     — main process, engine, store, CLI, worker processes (real SQLite, real training)
//  dom      — Svelte components in happy-dom (Chart.js is stubbed there only)
//  e2e      — the built renderer in Debian's Chromium, driven by playwright-core
//  electron — the packaged desktop app (release/), driven by playwright-core's Electron
//             support; skipped, saying why, where no packaged app exists (see the test)
export default defineConfig({
  test: {
    globalSetup: ['tests/global-setup.ts'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/node/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'], alias },
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['tests/dom/**/*.test.ts'],
          setupFiles: ['tests/dom/setup.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'electron',
          environment: 'node',
          include: ['tests/electron/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

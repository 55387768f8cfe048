// Lint rules, including the layers and process boundaries of the README's architecture:
//  - renderer/ runs in a sandboxed web page: no Node built-ins, no Electron, nothing but the
//    contract and its own code;
//  - the faces (main/electron, main/web, main/cli, main/cli.ts, main/index.ts) reach the core
//    only through services/: never the engine, the store or training directly (types of the
//    worker launcher port excepted: a face implements that port);
//  - services/ never imports a face; store/ never imports services/ or training/;
//  - main/engine/ runs inside the training worker: no Electron, no store, no services;
//  - contract/ (imported as @contract) imports no process's code, no Node, no Electron;
//  - preload/ may use only Electron's renderer-side API and the contract.
// `npm run lint` also runs scripts/check-imports.mjs: no import cycles, and the fences a pattern
// cannot state (the engine never imports main/training), judged by resolved path.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = [
  'fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto',
  'stream', 'zlib', 'url', 'util', 'events', 'module', 'process', 'buffer',
].flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

/** Import patterns of each layer of main/, for the fences below. */
const layer = {
  faces: ['**/electron/**', '**/web/**', '**/cli/**', '**/cli', '**/main/index'],
  services: ['**/services/**', '**/services'],
  store: ['**/store/**', '**/store'],
  training: ['**/training/**'],
  engine: ['**/engine/**'],
};
const fence = (names, message) => ({ group: names.flatMap((n) => layer[n]), message });

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', '.tsbuild/', 'coverage/', 'bench-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    // The bin shim is CommonJS on purpose: it loads the CommonJS bundle.
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/src/**/*.{ts,svelte}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks to the core only through src/lib/api.ts.' }],
        patterns: [
          { group: nodeBuiltins, message: 'The renderer is a sandboxed web page: no Node built-ins.' },
          { group: ['**/main/**', '../../main/*'], message: 'The renderer may import only the contract (@contract), never main/.' },
          { group: ['**/preload/**', '**/preload'], message: 'The renderer may import only the contract (@contract), never the preload bridge.' },
        ],
      }],
    },
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', message: 'The engine runs in the training worker under plain Node: no Electron.' },
          { name: 'better-sqlite3', message: 'The engine never opens the database; the run journal records results.' },
        ],
        patterns: [
          { group: layer.store, message: 'The engine never touches the store.' },
          // main/training is fenced off by scripts/check-imports.mjs, by resolved path: the engine's
          // own training/ wing makes '../training/…' ambiguous to a pattern.
          fence(['services', 'faces'], 'The engine is pure: datasets in, models and metrics out; it knows no service, supervisor or face.'),
        ],
      }],
    },
  },
  {
    files: ['main/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The application core knows nothing of Electron; main/electron adapts it.' }],
        patterns: [fence(['faces'], 'Services never import a face (Electron, browser mode, CLI): the faces import services.')],
      }],
    },
  },
  {
    files: ['main/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The store runs under plain Node too (CLI, browser mode): no Electron.' }],
        patterns: [fence(['services', 'training', 'faces'], 'The store is the bottom layer: it never imports services, training or a face.')],
      }],
    },
  },
  {
    files: ['main/training/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [fence(['services', 'faces'], 'Training (supervisor, worker) never imports services or a face; services use it.')],
      }],
    },
  },
  {
    files: ['main/electron/**/*.ts', 'main/web/**/*.ts', 'main/cli/**/*.ts', 'main/cli.ts', 'main/index.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/training/launcher', '**/training/protocol'], allowTypeImports: true, message: 'A face may implement the worker launcher port (its types), nothing more of training.' },
          { group: [...layer.engine, ...layer.store, '**/training/*', '!**/training/launcher', '!**/training/protocol'], message: 'Faces reach the core only through services/ (dispatch, the app context): never the engine, store or training directly.' },
        ],
      }],
    },
  },
  {
    // The contract is loaded by every process, the sandboxed renderer and preload included.
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The contract is plain data and schemas: no Electron.' }],
        patterns: [
          { group: nodeBuiltins, message: 'The contract also runs in the sandboxed renderer and preload: no Node built-ins.' },
          { group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'The contract imports nothing of the processes that import it.' },
        ],
      }],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'The sandboxed preload has no Node built-ins.' },
          { group: ['**/main/**'], message: 'The preload derives from the contract only.' },
        ],
      }],
    },
  },
);

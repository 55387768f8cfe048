// Lint rules, including the process boundaries of ARCHITECTURE.md:
//  - renderer/ runs in a sandboxed web page: no Node built-ins, no Electron, no main/ code;
//  - main/engine/ runs inside the training worker: no Electron and no store access;
//  - preload/ may use only Electron's renderer-side API and the contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = [
  'fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto',
  'stream', 'zlib', 'url', 'util', 'events', 'module', 'process', 'buffer',
].flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

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
          { group: ['**/main/**', '../../main/*'], message: 'The renderer may import only the contract from preload/, never main/.' },
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
          { name: 'better-sqlite3', message: 'The engine never opens the database; the supervisor records results.' },
        ],
        patterns: [{ group: ['**/store/**', '**/store'], message: 'The engine never touches the store.' }],
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

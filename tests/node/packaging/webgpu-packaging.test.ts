// electron-builder.yml's webgpu block, checked with electron-builder's own config loader, macro
// expander and file matchers: dawn.node is unpacked from the asar archive (a Node-API addon
// cannot be loaded from inside it), and an installer carries only its own platform's folder.
// Installers are built on their own OS, so ${platform} is this machine's: checked for it, for
// both architectures electron-builder may target.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve('.');

interface Matcher {
  readonly patterns: string[];
  createFilter(): (file: string, stat: { isDirectory(): boolean; moduleFullFilePath?: string }) => boolean;
}
const { getConfig } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, options: null): Promise<Record<string, unknown>>;
};
const fileMatcher = require('app-builder-lib/out/fileMatcher') as {
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns: string[]) => Matcher;
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (p: string) => string, platformOptions: object, packagerInfo: object): Matcher;
  getFileMatchers(config: object, name: string, dest: string, options: object): Matcher[] | null;
};
const { expandMacro } = require('app-builder-lib/out/util/macroExpander') as { expandMacro(pattern: string, arch: string | null, appInfo: object): string };

const folders = ['darwin-universal', 'linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64'];
let config: Record<string, unknown>;
beforeAll(async () => {
  config = await getConfig(root, 'electron-builder.yml', null);
});

function shipped(arch: 'x64' | 'arm64'): string[] {
  const expand = (p: string) => expandMacro(p, arch, { productName: 'Transfer Lab', sanitizedProductName: 'Transfer Lab' });
  const info = { projectDir: root, buildResourcesDir: path.resolve(root, 'resources/build'), isPrepackedAppAsar: false, config, debugLogger: { isEnabled: false } };
  const patterns = fileMatcher.getNodeModuleFileMatcher(root, '/out/app', expand, {}, info).patterns;
  const accept = new fileMatcher.FileMatcher(path.join(root, 'node_modules', 'webgpu'), '/out/app', expand, patterns).createFilter();
  return folders.filter((folder) => {
    const rel = `node_modules/webgpu/dist/${folder}/dawn.node`;
    return accept(path.join(root, rel), { isDirectory: () => false, moduleFullFilePath: rel });
  });
}

describe('electron-builder.yml: webgpu', () => {
  it.each(['x64', 'arm64'] as const)('ships only this platform’s dawn.node folder for %s', (arch) => {
    const own = process.platform === 'darwin' ? 'darwin-universal' : `${process.platform}-${arch}`;
    expect(shipped(arch)).toEqual([own]);
  });

  it('unpacks the webgpu package (dawn.node and the Windows DLLs beside it) from the asar archive', () => {
    const [unpack] = fileMatcher.getFileMatchers(config, 'asarUnpack', '/out/app', { macroExpander: (p: string) => p, customBuildOptions: {}, globalOutDir: path.join(root, 'release'), defaultSrc: root })!;
    const unpacked = unpack.createFilter();
    for (const rel of ['node_modules/webgpu/dist/linux-x64/dawn.node', 'node_modules/webgpu/dist/win32-x64/dxcompiler.dll', 'node_modules/webgpu/index.js']) {
      expect(unpacked(path.join(root, rel), { isDirectory: () => false, moduleFullFilePath: rel }), rel).toBe(true);
    }
    const rel = 'node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js';
    expect(unpacked(path.join(root, rel), { isDirectory: () => false, moduleFullFilePath: rel }), rel).toBe(false);
  });
});
